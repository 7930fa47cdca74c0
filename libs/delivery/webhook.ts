import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { defaultTimeoutMs, type HttpTarget } from '../apps/model';
import { iso } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { classifyError, classifyStatus, parseRetryAfter, type DeliveryOutcome } from './outcome';
import { assertTargetUrl, guardedConnector, type Resolver } from './ssrf';

/** One attempt to deliver one message to its app's target. */
export interface WebhookRequest {
  /** Message id, sent as `webhook-id`; the same on every attempt so receivers can deduplicate. */
  messageId: string;
  /** 1-based attempt number, sent as `punctual-attempt`. */
  attempt: number;
  /** The message's `sendAt` (epoch ms), sent as `punctual-scheduled-at` in RFC 3339 UTC. */
  scheduledAt: number;
  /** The schedule that produced the message, sent as `punctual-schedule-id`. */
  scheduleId?: string;
  /** The payload as serialized JSON text; a JSON string is sent as raw text. */
  payload: string;
  /** Where to send it, with the app's headers and per-attempt timeout. */
  target: HttpTarget;
  /** The message's custom headers, applied after the app's. */
  headers?: Record<string, string>;
  /** The live `whsec_` secrets (one, or two during rotation); each adds a signature. */
  secrets: string[];
}

/** How a `WebhookClient` connects, reads and stamps requests. */
export interface WebhookClientOptions {
  /** Whether targets may be loopback/private/link-local addresses (development only). */
  allowPrivateTargets: boolean;
  /**
   * Keep-alive connections per origin; `null` for no cap. The engine's dispatcher already bounds
   * deliveries per app and in total, and a cap here would be shared by every app on one origin:
   * one app whose receiver hangs would hold all of them, and other apps' requests would wait
   * (and time out) in the pool's queue behind it.
   * @default null
   */
  connectionsPerOrigin?: number | null;
  /** @default 65536 bytes of response body kept as the attempt's excerpt; the rest is discarded */
  maxResponseBytes?: number;
  /** @default 'punctual-webhooks/1' */
  userAgent?: string;
  /** Name resolver used by the connect-time SSRF guard. @default the system resolver */
  lookup?: Resolver;
  /** Wall clock for `webhook-timestamp` and `Retry-After` dates (durations use a monotonic clock). */
  now?: () => number;
}

const defaults = {
  connectionsPerOrigin: null as number | null,
  maxResponseBytes: 65_536,
  userAgent: 'punctual-webhooks/1',
  now: (): number => Date.now(),
};

/** @default signing keys kept prepared; secrets beyond this are evicted oldest first */
const signerCacheSize = 1_024;

// Names a tenant's headers may not set: ours, the framing of the body, and hop-by-hop headers
// that undici rejects or that would change how the connection behaves.
const reservedHeader =
  /^(?:webhook-.*|punctual-.*|content-type|content-length|host|connection|keep-alive|transfer-encoding|upgrade|expect|te|trailer)$/;
const httpToken = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const invalidHeaderValue = /[\r\n\0]/;

type Prepared = { url: string; headers: Record<string, string>; body: Buffer } | { error: string };

/** Signs and sends webhooks over one shared keep-alive pool; every failure becomes an outcome. */
export class WebhookClient {
  private readonly settings: typeof defaults & WebhookClientOptions;
  private readonly agent: Agent;
  private readonly signers = new Map<string, Buffer>();
  /** Target URLs that passed the syntactic check (the SSRF check proper runs at connect). */
  private readonly checkedUrls = new Set<string>();
  private closing?: Promise<void>;

  constructor(options: WebhookClientOptions) {
    // An option passed as `undefined` must not erase its default.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.settings = { ...defaults, ...(given as WebhookClientOptions) };
    this.agent = new Agent({
      connections: this.settings.connectionsPerOrigin,
      connect: guardedConnector({ allowPrivateTargets: this.settings.allowPrivateTargets, resolve: this.settings.lookup }),
    });
  }

  /** Makes one attempt; resolves with its outcome and never rejects for a delivery problem. */
  async deliver(req: WebhookRequest, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const prepared = this.prepare(req);
    if ('error' in prepared) return { kind: 'permanent', error: prepared.error, durationMs: elapsed() };

    // One deadline for connect, headers and body alike, unlike undici's per-phase timeouts.
    const timeoutMs = req.target.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) controller.abort();

    const failed = (err: unknown, statusCode?: number): DeliveryOutcome => {
      const status = statusCode === undefined ? {} : { statusCode };
      if (timedOut) return { kind: 'retry', error: `timeout after ${timeoutMs}ms`, durationMs: elapsed(), ...status };
      if (signal?.aborted) return { kind: 'retry', error: 'attempt aborted', durationMs: elapsed(), ...status };
      return classifyError(err, elapsed(), statusCode);
    };

    try {
      const res = await request(prepared.url, {
        method: 'POST',
        headers: prepared.headers,
        body: prepared.body,
        dispatcher: this.agent,
        signal: controller.signal,
      });
      const { text, failure } = await readExcerpt(res.body, this.settings.maxResponseBytes);
      // A 2xx whose body broke off may not have been processed; at-least-once says send again.
      if (failure !== undefined && res.statusCode >= 200 && res.statusCode < 300) return failed(failure, res.statusCode);
      return classifyStatus(res.statusCode, elapsed(), {
        retryAfterMs: parseRetryAfter(res.headers['retry-after'], this.settings.now()),
        responseBody: text,
        redirectTo: redirectTarget(res.headers.location, prepared.url),
      });
    } catch (err) {
      return failed(err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the pool once in-flight attempts finish. */
  close(): Promise<void> {
    this.closing ??= this.agent.close();
    return this.closing;
  }

  /** Body, headers and signatures of the attempt, or why it cannot be sent at all. */
  private prepare(req: WebhookRequest): Prepared {
    if (!this.checkedUrls.has(req.target.url)) {
      try {
        assertTargetUrl(req.target.url, { allowPrivateTargets: true }); // private ones are refused at connect
      } catch (err) {
        if (err instanceof ValidationError) return { error: err.message };
        throw err;
      }
      if (this.checkedUrls.size >= signerCacheSize) this.checkedUrls.delete(this.checkedUrls.values().next().value as string);
      this.checkedUrls.add(req.target.url);
    }
    if (req.secrets.length === 0) return { error: 'no signing secret' };
    if (!Number.isFinite(req.scheduledAt)) return { error: 'scheduledAt is not a valid time' };

    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent };
    for (const custom of [req.target.headers, req.headers]) {
      for (const [name, value] of Object.entries(custom ?? {})) {
        const key = name.toLowerCase();
        if (!httpToken.test(key)) return { error: 'a custom header has an invalid name' };
        if (reservedHeader.test(key)) continue;
        // Values are tenant secrets: name the header, never quote it.
        if (typeof value !== 'string' || invalidHeaderValue.test(value)) {
          return { error: `custom header ${key} has an invalid value` };
        }
        headers[key] = value;
      }
    }

    const { text, contentType } = bodyOf(req.payload);
    const body = Buffer.from(text, 'utf8');
    const timestamp = Math.floor(this.settings.now() / 1000);
    let signatures: string;
    try {
      signatures = req.secrets.map((secret) => signWebhook(this.signingKey(secret), req.messageId, timestamp, body)).join(' ');
    } catch {
      return { error: 'a signing secret is invalid' };
    }

    Object.assign(headers, {
      'content-type': contentType,
      'webhook-id': req.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatures,
      'punctual-attempt': String(req.attempt),
      'punctual-scheduled-at': iso(req.scheduledAt),
    });
    if (req.scheduleId !== undefined) headers['punctual-schedule-id'] = req.scheduleId;
    return { url: req.target.url, headers, body };
  }

  /**
   * The HMAC key of a secret, decoded (and validated) once by `standardwebhooks` itself: decoding
   * the base64 secret on every attempt is waste.
   */
  private signingKey(secret: string): Buffer {
    let key = this.signers.get(secret);
    if (!key) {
      key = Buffer.from(new Webhook(secret)['key']);
      if (this.signers.size >= signerCacheSize) this.signers.delete(this.signers.keys().next().value as string);
      this.signers.set(secret, key);
    }
    return key;
  }
}

/**
 * The Standard Webhooks `v1,` signature: base64 HMAC-SHA256 over `id.timestamp.body`, with
 * node:crypto's native HMAC. Byte-identical to `Webhook#sign` of `standardwebhooks` (tested
 * against it), which is several times slower in pure JS.
 */
export const signWebhook = (key: Buffer, messageId: string, timestampSeconds: number, body: Buffer): string =>
  `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.`).update(body).digest('base64')}`;

/** A JSON string payload goes out as its raw text; any other JSON value as JSON. */
const bodyOf = (payload: string): { text: string; contentType: string } => {
  if (payload.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(payload);
      if (typeof value === 'string') return { text: value, contentType: 'text/plain; charset=utf-8' };
    } catch {
      // Not valid JSON after all: send it untouched rather than guess.
    }
  }
  return { text: payload, contentType: 'application/json' };
};

/** The first `maxBytes` of a response body as text, and the error that cut it short, if any; never rejects. */
// Past `maxBytes` the stream is destroyed, dropping the connection rather than buffering or
// draining a body of any size.
const readExcerpt = async (body: Readable, maxBytes: number): Promise<{ text?: string; failure?: unknown }> => {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let remaining = maxBytes;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const piece = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      text += decoder.write(piece); // holds back a character cut in half, so the excerpt stays valid UTF-8
      remaining -= piece.length;
      if (remaining === 0) {
        body.destroy();
        return { text: text || undefined };
      }
    }
    text += decoder.end();
    return { text: text || undefined };
  } catch (failure) {
    return { text: text || undefined, failure };
  }
};

/** Where a redirect pointed, without its query or fragment (they may carry tokens), for the error. */
const redirectTarget = (location: string | string[] | undefined, base: string): string | undefined => {
  const value = Array.isArray(location) ? location[0] : location;
  if (!value) return undefined;
  try {
    const url = new URL(value, base);
    return `${url.origin}${url.pathname}`.slice(0, 200);
  } catch {
    return 'unparseable';
  }
};
