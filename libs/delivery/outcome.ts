import type { DeliveryOutcome, DeliveryResponse } from '../messages/outcome';

/** Bounds applied to a receiver's `Retry-After`; the retry policy's `maxDelayMs` caps it again later. */
export const retryAfterBounds = {
  /** @default longest wait a receiver may ask for: one day */
  maxMs: 86_400_000,
} as const;

// Statuses that say "not now" rather than "never": timeout, too early, too many requests.
const retryableStatuses: ReadonlySet<number> = new Set([408, 425, 429]);

// Failures of our own request, identical on every attempt, so retrying cannot help.
const permanentErrorCodes: ReadonlySet<string> = new Set([
  'EPORT',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);

const imfFixdate = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const rfc850Date = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const asctimeDate = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Milliseconds to wait from a `Retry-After` (delta-seconds or HTTP-date), clamped; `undefined` if absent or malformed. */
export const parseRetryAfter = (header: string | string[] | undefined, nowMs: number): number | undefined => {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  let ms: number;
  if (/^\d+$/.test(value)) {
    ms = Number(value) * 1000;
  } else if (imfFixdate.test(value) || rfc850Date.test(value) || asctimeDate.test(value)) {
    // asctime carries no zone; HTTP dates are always GMT, so say so before parsing.
    const at = Date.parse(asctimeDate.test(value) ? `${value} GMT` : value);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  } else {
    return undefined;
  }
  return Math.min(Math.max(ms, 0), retryAfterBounds.maxMs);
};

/** The outcome of a response that arrived: 2xx success; 408/425/429/5xx retry; anything else permanent. */
export const classifyStatus = (
  statusCode: number,
  durationMs: number,
  extra: { retryAfterMs?: number; responseBody?: string; redirectTo?: string; response?: DeliveryResponse } = {},
): DeliveryOutcome => {
  const body = {
    ...(extra.responseBody ? { responseBody: extra.responseBody } : {}),
    ...(extra.response ? { response: extra.response } : {}),
  };
  if (statusCode >= 200 && statusCode < 300) return { kind: 'success', statusCode, durationMs, ...body };
  if (retryableStatuses.has(statusCode) || (statusCode >= 500 && statusCode < 600)) {
    const retryAfter = extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs };
    return { kind: 'retry', statusCode, error: `HTTP ${statusCode}`, durationMs, ...retryAfter, ...body };
  }
  const error =
    statusCode >= 300 && statusCode < 400
      ? `HTTP ${statusCode}: redirects are not followed (Location: ${extra.redirectTo ?? 'none'})`
      : `HTTP ${statusCode}`;
  return { kind: 'permanent', statusCode, error, durationMs, ...body };
};

/** The first Node/undici error `code` in an error, its `cause` chain or an AggregateError's members. */
const findCode = (err: unknown, depth = 0): { code?: string; message: string } => {
  if (!(err instanceof Error) || depth > 5) return { message: String(err) };
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return { code, message: err.message };
  if (err instanceof AggregateError && err.errors.length > 0) return findCode(err.errors[0], depth + 1);
  if (err.cause !== undefined) return findCode(err.cause, depth + 1);
  return { message: err.message };
};

/**
 * The outcome of a request that failed without a usable response: malformed or refused by the egress
 * rules is permanent, the rest retries — a host refused by the SSRF guard too, exactly as one that does
 * not resolve (the same outcome and text), so its fate tells a tenant nothing about our network.
 */
export const classifyError = (err: unknown, durationMs: number, statusCode?: number): DeliveryOutcome => {
  // Unknown errors retry too: delivery is at-least-once, and the retry policy bounds the cost.
  const { code, message } = findCode(err);
  const status = statusCode === undefined ? {} : { statusCode };
  // The guard's and the egress rules' messages are written to be shown to tenants; argument errors are client internals.
  if (code === 'ESSRF') return { kind: 'retry', error: message, durationMs, ...status };
  if (code !== undefined && permanentErrorCodes.has(code)) {
    const error = code === 'EPORT' ? message : `request rejected before sending (${code})`;
    return { kind: 'permanent', error, durationMs, ...status };
  }
  const text = message && code && !message.includes(code) ? `${code}: ${message}` : message || code || 'network error';
  return { kind: 'retry', error: text.slice(0, 300), durationMs, ...status };
};
