import { Apps } from './resources/apps.js';
import { type EventsOptions, streamEvents } from './resources/events.js';
import { Keys } from './resources/keys.js';
import { Messages } from './resources/messages.js';
import { Schedules } from './resources/schedules.js';
import { Tenants } from './resources/tenants.js';
import { Usage } from './resources/usage.js';
import { type RequestOptions, Transport } from './transport.js';
import type { Health, LiveEvent } from './types.js';

/** How to reach punctual and how hard to try. */
export interface PunctualOptions {
  /** Service root, e.g. `http://127.0.0.1:3000` or an API Gateway stage URL (`https://…/prod`). */
  baseUrl: string;
  /** A control or data key, sent as `x-api-key`; needed by every call except `tenants.create`. */
  apiKey?: string;
  /** The operator's admin token (or, on AWS, a Cognito ID token), sent as `Authorization: Bearer`; needed by `tenants.create` only. */
  adminToken?: string;
  /** How long one attempt may take before it is abandoned (and retried when the call may be). @default 30000 */
  timeoutMs?: number;
  /** Retries after a 408, 429, 5xx, timeout or network error, for reads and idempotent creates. @default 2 */
  retries?: number;
  /** Cap of the first backoff window (full jitter, doubling per retry). @default 500 */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts; a `Retry-After` asking for longer fails the call at once instead. @default 20000 */
  retryMaxDelayMs?: number;
  /** The `fetch` to use. @default globalThis.fetch, looked up at each call */
  fetch?: typeof fetch;
}

const isAbsoluteUrl = (url: string): boolean => {
  try {
    return new URL(url).protocol.startsWith('http');
  } catch {
    return false;
  }
};

/** Option values used when the caller gives none. */
export const defaults = {
  timeoutMs: 30_000,
  retries: 2,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 20_000,
} as const satisfies Partial<PunctualOptions>;

/**
 * The punctual API client. A tenant's client takes an `apiKey`; the operator's takes an `adminToken` (for
 * `tenants.create`); one client may hold both.
 *
 * ```ts
 * const p = new Punctual({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.PUNCTUAL_API_KEY });
 * const m = await p.messages.create({ appId, payload: { hello: 'world' }, delaySeconds: 5 });
 * ```
 */
export class Punctual {
  /** Point-in-time deliveries. */
  readonly messages: Messages;
  /** Recurring rules. */
  readonly schedules: Schedules;
  /** Delivery targets (control key). */
  readonly apps: Apps;
  /** API keys (control key). */
  readonly keys: Keys;
  /** Per key, per day counters (control key). */
  readonly usage: Usage;
  /** Tenants: the operator's administration (admin token) and a tenant's own (`me`, control key). */
  readonly tenants: Tenants;
  readonly #http: Transport;
  readonly #reconnect: { baseDelayMs: number; maxDelayMs: number };

  constructor(options: PunctualOptions) {
    // A bad URL is reported here, naming it, rather than as a network error at the first call.
    if (!isAbsoluteUrl(options.baseUrl)) throw new TypeError(`baseUrl must be an absolute URL; got "${options.baseUrl}"`);
    const http = new Transport({
      baseUrl: options.baseUrl,
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
      timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
      retry: {
        retries: options.retries ?? defaults.retries,
        baseDelayMs: options.retryBaseDelayMs ?? defaults.retryBaseDelayMs,
        maxDelayMs: options.retryMaxDelayMs ?? defaults.retryMaxDelayMs,
      },
      // Looked up per call, so a fetch installed after construction (a polyfill, a test's interceptor) is used.
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    });
    this.#http = http;
    this.#reconnect = {
      baseDelayMs: options.retryBaseDelayMs ?? defaults.retryBaseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? defaults.retryMaxDelayMs,
    };
    this.messages = new Messages(http);
    this.schedules = new Schedules(http);
    this.apps = new Apps(http);
    this.keys = new Keys(http);
    this.usage = new Usage(http);
    this.tenants = new Tenants(http);
  }

  /** The service's health and version (`GET /v1/health`, no credential); retried like every read. */
  health(options?: RequestOptions): Promise<Health> {
    return this.#http.request({ method: 'GET', path: '/v1/health', credential: 'none', retry: true }, options);
  }

  /**
   * The tenant's live events (a data key: its app's), as they happen: `for await (const e of p.events({ lastEventId }))`.
   * Reconnects with `Last-Event-ID` and backoff when the connection drops, so nothing is missed (a `reset` event says
   * when something was); ends quietly when `signal` aborts or the loop is left, and with a `PunctualError` on an
   * answer that will not change (401, 403, `501 not_implemented` on the AWS runtime, which holds no streams).
   */
  events(options: EventsOptions = {}): AsyncGenerator<LiveEvent, void, undefined> {
    return streamEvents(this.#http, this.#reconnect, options);
  }
}
