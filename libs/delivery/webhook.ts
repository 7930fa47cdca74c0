import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { LRUCache } from 'lru-cache';
import { Webhook } from 'standardwebhooks';
import { Agent, type Dispatcher } from 'undici';
import { defaultHttpMethod, defaultTimeoutMs, type HttpTarget, type HttpTargetMethod } from '../apps/model';
import { iso } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { headerIssue } from '../domain/headers';
import { maxResultBodyBytes } from '../messages/model';
import type { DeliveryOutcome } from '../messages/outcome';
import { safeResultHeaders } from './result-headers';
import { classifyError, classifyStatus, parseRetryAfter } from './outcome';
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
  /** The message whose outcome created this one, when it is a chained message. */
  chainOf?: string;
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
  /** The only ports targets may use, or `'any'`. @default `hostedPorts` when private targets are refused, `'any'` otherwise */
  allowedPorts?: readonly number[] | 'any';
  /**
   * Keep-alive connections per origin; `null` for no cap. The engine's dispatcher already bounds
   * deliveries per app and in total, and a cap here would be shared by every app on one origin:
   * one app whose receiver hangs would hold all of them, and other apps' requests would wait
   * (and time out) in the pool's queue behind it.
   * @default null
   */
  connectionsPerOrigin?: number | null;
  /** @default 4096 bytes of response body kept as the attempt's excerpt; the rest is not read */
  maxResponseBytes?: number;
  /** @default 'punctual-webhooks/1' */
  userAgent?: string;
  /** Name resolver used by the connect-time SSRF guard. @default the system resolver */
  lookup?: Resolver;
  /** Wall clock for `webhook-timestamp` and `Retry-After` dates (durations use a monotonic clock). */
  now?: () => number;
}

/** @default bytes of a response kept as its attempt's excerpt (`PUNCTUAL_RESPONSE_EXCERPT_BYTES`) */
export const defaultResponseExcerptBytes = 4_096;
/** The largest excerpt an operator may choose. */
export const maxResponseExcerptBytes = 65_536;

const defaults = {
  connectionsPerOrigin: null as number | null,
  maxResponseBytes: defaultResponseExcerptBytes,
  userAgent: 'punctual-webhooks/1',
  now: (): number => Date.now(),
};

/** @default signing keys (and checked target URLs) kept prepared; the least recently used go first */
const signerCacheSize = 1_024;

const httpToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

type Prepared =
  | { url: string; origin: string; path: string; method: HttpTargetMethod; headers: Record<string, string>; body?: Buffer }
  | { error: string };

/** Methods whose requests carry no body: the signature then covers an empty one. */
const bodyless: ReadonlySet<string> = new Set(['GET', 'DELETE']);

/** A target URL split as undici's dispatcher wants it. */
interface Target {
  origin: string;
  path: string;
}

/** Signs and sends webhooks over one shared keep-alive pool; every failure becomes an outcome. */
export class WebhookClient {
  private readonly settings: typeof defaults & WebhookClientOptions;
  private readonly agent: Agent;
  private readonly signers = new LRUCache<string, Buffer>({ max: signerCacheSize });
  /** Target URLs that passed the syntactic check (the SSRF check proper runs at connect), split for the dispatcher. */
  private readonly checkedUrls = new LRUCache<string, Target>({ max: signerCacheSize });
  private closing?: Promise<void>;

  constructor(options: WebhookClientOptions) {
    // An option passed as `undefined` must not erase its default.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.settings = { ...defaults, ...(given as WebhookClientOptions) };
    this.agent = new Agent({
      connections: this.settings.connectionsPerOrigin,
      connect: guardedConnector({
        allowPrivateTargets: this.settings.allowPrivateTargets,
        ...(this.settings.allowedPorts ? { allowedPorts: this.settings.allowedPorts } : {}),
        resolve: this.settings.lookup,
      }),
    });
  }

  /** Makes one attempt; resolves with its outcome and never rejects for a delivery problem. */
  deliver(req: WebhookRequest, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const started = performance.now();
    let prepared: Prepared;
    try {
      prepared = this.prepare(req);
    } catch (err) {
      return Promise.reject(err);
    }
    if ('error' in prepared)
      return Promise.resolve({ kind: 'permanent', error: prepared.error, durationMs: Math.round(performance.now() - started) });
    return new Promise((resolve) => {
      const attempt = new AttemptHandler(resolve, started, req.target.timeoutMs ?? defaultTimeoutMs, prepared.url, this.settings, signal);
      this.agent.dispatch(
        { origin: prepared.origin, path: prepared.path, method: prepared.method, headers: prepared.headers, body: prepared.body },
        attempt,
      );
    });
  }

  /** Closes the pool once in-flight attempts finish. */
  close(): Promise<void> {
    this.closing ??= this.agent.close();
    return this.closing;
  }

  /** Body, headers and signatures of the attempt, or why it cannot be sent at all. */
  private prepare(req: WebhookRequest): Prepared {
    let target = this.checkedUrls.get(req.target.url);
    if (!target) {
      try {
        assertTargetUrl(req.target.url, { allowPrivateTargets: true }); // private ones are refused at connect
      } catch (err) {
        if (err instanceof ValidationError) return { error: err.message };
        throw err;
      }
      const url = new URL(req.target.url);
      target = { origin: url.origin, path: `${url.pathname}${url.search}` };
      this.checkedUrls.set(req.target.url, target);
    }
    if (req.secrets.length === 0) return { error: 'no signing secret' };
    if (!Number.isFinite(req.scheduledAt)) return { error: 'scheduledAt is not a valid time' };

    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent };
    for (const custom of [req.target.headers, req.headers]) {
      for (const [name, value] of Object.entries(custom ?? {})) {
        // The rule the API applied at creation, applied again to what was stored (perhaps under an older rule).
        // Values are tenant secrets: name the header, never quote it; a bad name is not repeated either.
        const issue = headerIssue(name, value);
        if (issue) return { error: httpToken.test(name) ? `custom header ${name.toLowerCase()}: ${issue}` : `a custom header: ${issue}` };
        headers[name.toLowerCase()] = value as string;
      }
    }

    const method = req.target.method ?? defaultHttpMethod;
    const { text, contentType } = bodyless.has(method) ? { text: '', contentType: undefined } : bodyOf(req.payload);
    const body = Buffer.from(text, 'utf8');
    const timestamp = Math.floor(this.settings.now() / 1000);
    let signatures: string;
    try {
      signatures = req.secrets.map((secret) => signWebhook(this.signingKey(secret), req.messageId, timestamp, body)).join(' ');
    } catch {
      return { error: 'a signing secret is invalid' };
    }

    if (contentType) headers['content-type'] = contentType;
    Object.assign(headers, {
      'webhook-id': req.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatures,
      'punctual-attempt': String(req.attempt),
      'punctual-scheduled-at': iso(req.scheduledAt),
    });
    if (req.scheduleId !== undefined) headers['punctual-schedule-id'] = req.scheduleId;
    return { url: req.target.url, origin: target.origin, path: target.path, method, headers, ...(contentType ? { body } : {}) };
  }

  /** The HMAC key of a secret, prepared once: decoding the base64 secret on every attempt is waste. */
  private signingKey(secret: string): Buffer {
    let key = this.signers.get(secret);
    if (!key) {
      key = signingKeyOf(secret);
      this.signers.set(secret, key);
    }
    return key;
  }
}

const secretPrefix = 'whsec_';

/**
 * The HMAC key of a Standard Webhooks secret. `standardwebhooks` has no public accessor for it, so
 * the library's own constructor validates the secret (it throws for an empty or malformed one) and
 * the key is decoded as the library does: the base64 after an optional `whsec_` (tested for byte
 * equality with the library's signatures).
 */
export const signingKeyOf = (secret: string): Buffer => {
  new Webhook(secret);
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
};

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

/** The first value of a response header in undici's raw `[name, value, …]` list (names as sent, any case). */
const rawHeader = (raw: (Buffer | string)[], name: string): string | undefined => {
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i];
    if (key.length === name.length && key.toString().toLowerCase() === name) return raw[i + 1].toString('latin1');
  }
  return undefined;
};

/** Aborts the request when its excerpt is complete: the rest of a big body is not read. */
class ExcerptComplete extends Error {}

/**
 * One attempt as an undici dispatch handler: no response stream, no AbortController, one timer.
 * One deadline covers connect, headers and body alike (unlike undici's per-phase timeouts); the
 * first `maxResponseBytes` of the body are kept as the excerpt, and past them the connection is
 * dropped rather than buffering or draining a body of any size.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  private abortRequest?: (reason: Error) => void;
  /** Why the request must stop, once it must (its deadline passed or the caller aborted). */
  private stopReason?: Error;
  private timedOut = false;
  private statusCode?: number;
  private rawHeaders?: (Buffer | string)[];
  /** The body as read so far: up to the larger of the excerpt and `maxResultBodyBytes` (the message's result). */
  private chunks: Buffer[] = [];
  private read = 0;
  private readonly limit: number;
  private truncated = false;
  private done = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (outcome: DeliveryOutcome) => void,
    private readonly started: number,
    private readonly timeoutMs: number,
    private readonly url: string,
    private readonly settings: { maxResponseBytes: number; now: () => number },
    private readonly signal?: AbortSignal,
  ) {
    this.limit = Math.max(settings.maxResponseBytes, maxResultBodyBytes);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.stop(new Error(`timeout after ${timeoutMs}ms`));
    }, timeoutMs);
    if (signal) {
      if (signal.aborted) this.stop(new Error('attempt aborted'));
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  private readonly onAbort = (): void => this.stop(new Error('attempt aborted'));

  /** Aborts now, or as soon as undici hands over the request (it may still wait for a connection). */
  private stop(reason: Error): void {
    this.stopReason ??= reason;
    this.abortRequest?.(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    if (this.stopReason) abort(this.stopReason);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null, _resume: () => void): boolean {
    this.statusCode = statusCode;
    this.rawHeaders = rawHeaders ?? [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    const room = this.limit - this.read;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(piece);
    this.read += piece.length;
    if (chunk.length >= room) {
      this.truncated = chunk.length > room;
      this.answered(this.truncated);
      this.abortRequest?.(new ExcerptComplete('response excerpt complete'));
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.answered(false);
  }

  onError(err: Error): void {
    if (this.done) return;
    const statusCode = this.statusCode;
    // A 2xx whose body broke off may not have been processed; at-least-once says send again.
    if (statusCode !== undefined && !(statusCode >= 200 && statusCode < 300)) {
      this.answered(true);
      return;
    }
    const status = statusCode === undefined ? {} : { statusCode };
    if (this.timedOut)
      this.finish({ kind: 'retry', error: `timeout after ${this.timeoutMs}ms`, durationMs: this.elapsed(), timedOut: true, ...status });
    else if (this.signal?.aborted) {
      // A reason the caller gave (an Error) is its explanation for the tenant.
      const why = this.signal.reason instanceof Error ? this.signal.reason.message : 'attempt aborted';
      this.finish({ kind: 'retry', error: why, durationMs: this.elapsed(), ...status });
    } else this.finish(classifyError(err, this.elapsed(), statusCode));
  }

  /**
   * The outcome of the response that came back (its body complete, cut at what is kept, or broken off after a non-2xx
   * status): the excerpt is the body's first `maxResponseBytes` as text (a character cut in half is left out), the
   * response (for the message's result) the body as read with the safe headers.
   */
  private answered(cut: boolean): void {
    if (this.done) return;
    const raw = this.rawHeaders ?? [];
    const s = this.statusCode!;
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.read);
    const max = this.settings.maxResponseBytes;
    const whole = !cut && body.length <= max;
    // StringDecoder.write holds back a character cut in half, so the excerpt stays valid UTF-8.
    const excerpt = whole ? body.toString('utf8') : new StringDecoder('utf8').write(body.subarray(0, max));
    // Only a retryable status uses Retry-After, only a redirect Location: a 2xx needs neither looked up.
    const retryAfter = s >= 400 ? rawHeader(raw, 'retry-after') : undefined;
    const location = s >= 300 && s < 400 ? rawHeader(raw, 'location') : undefined;
    this.finish(
      classifyStatus(s, this.elapsed(), {
        retryAfterMs: parseRetryAfter(retryAfter, this.settings.now()),
        responseBody: excerpt || undefined,
        redirectTo: redirectTarget(location, this.url),
        response: {
          headers: safeResultHeaders(raw),
          ...(body.length ? { body: body.length > maxResultBodyBytes ? body.subarray(0, maxResultBodyBytes) : body } : {}),
          ...(cut && (this.truncated || body.length > maxResultBodyBytes) ? { truncated: true } : {}),
        },
      }),
    );
  }

  private finish(outcome: DeliveryOutcome): void {
    this.done = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.resolve(outcome);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
  }
}

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
