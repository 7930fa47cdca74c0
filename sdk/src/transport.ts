import { parseRetryAfter, retryDelay, type RetryPolicy } from './backoff.js';
import { type ErrorBody, PunctualError } from './errors.js';

/** Per-call options, accepted as the last argument of every method. */
export interface RequestOptions {
  /** Cancels the call, including a wait between retries; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How long one attempt may take, overriding the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** Which credential a route takes: the API key (`x-api-key`), the operator's admin token (`Authorization: Bearer`), or none. */
export type Credential = 'apiKey' | 'adminToken' | 'none';

/** One API call, as the resources describe it. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below the base URL, ids already encoded, e.g. `/v1/messages/msg_123`. */
  path: string;
  query?: object;
  /** JSON body; none when undefined. */
  body?: unknown;
  /** Headers of this call beside the credential and content negotiation (`Idempotency-Key`, `Last-Event-ID`). */
  headers?: Record<string, string>;
  credential: Credential;
  /** Whether a failed attempt may be repeated: reads, and creates that carry an idempotency key. */
  retry: boolean;
}

/** What the transport needs from the client's options. */
export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  adminToken?: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof fetch;
}

const retryableStatus = (status: number): boolean => status === 0 || status === 408 || status === 429 || status >= 500;

const requestIdOf = (headers: Headers): string | undefined =>
  headers.get('x-request-id') ?? headers.get('x-amzn-requestid') ?? headers.get('apigw-requestid') ?? undefined;

const isErrorBody = (v: unknown): v is ErrorBody =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { error?: unknown }).error === 'string' &&
  typeof (v as { message?: unknown }).message === 'string';

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** HTTP for the resources: URL and headers, JSON both ways, timeouts, retries with backoff, errors as `PunctualError`. */
export class Transport {
  readonly #options: TransportOptions;
  readonly #baseUrl: string;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Sends `req`, retrying what may be retried, and resolves with the parsed body (undefined for 204). */
  async request<T>(req: ApiRequest, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(req, options)).body;
  }

  /** As `request`, with the answer's headers beside its body (for what a route says in a header). */
  async exchange<T>(req: ApiRequest, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
    const { retry } = this.#options;
    const init = this.#init(req);
    const url = this.#url(req);
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#once(url, init, timeoutMs, options.signal)) as { body: T; headers: Headers };
      } catch (err) {
        if (!(err instanceof PunctualError) || !req.retry || attempt > retry.retries || !retryableStatus(err.status)) throw err;
        const delay = retryDelay(attempt, retry, err.retryAfter);
        if (delay === undefined) throw err;
        await sleep(delay, options.signal);
      }
    }
  }

  /**
   * Opens a streaming answer (`GET /v1/events`): one attempt, `timeoutMs` bounding the wait for the headers only.
   * Resolves once the status is a 2xx with the response, its body unread, and `close`, which cancels the body and
   * detaches from the caller's `signal` (call it when done with the stream). Any other answer rejects as `request` would.
   */
  async openStream(req: ApiRequest, options: RequestOptions = {}): Promise<{ response: Response; close(): void }> {
    const { signal } = options;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    // Outside the try below: a missing credential is the caller's mistake, not a failed connection.
    const init = this.#init(req);
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const close = () => {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
    };
    let res: Response;
    try {
      res = await this.#options.fetch(this.#url(req), { ...init, signal: controller.signal });
    } catch (err) {
      close();
      if (signal?.aborted) throw signal.reason;
      throw this.#noAnswer(err, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    if (res.ok && res.body) return { response: res, close };
    const text = await res.text().catch(() => '');
    close();
    throw this.#failure(res, text);
  }

  #url(req: ApiRequest): string {
    const url = `${this.#baseUrl}${req.path}`;
    if (!req.query) return url;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(req.query)) if (value !== undefined) params.set(name, String(value));
    const qs = params.toString();
    return qs ? `${url}?${qs}` : url;
  }

  #init(req: ApiRequest): RequestInit {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.credential === 'apiKey') {
      if (this.#options.apiKey === undefined) throw new TypeError(`${req.method} ${req.path} needs the client's apiKey option`);
      headers['x-api-key'] = this.#options.apiKey;
    } else if (req.credential === 'adminToken') {
      if (this.#options.adminToken === undefined) throw new TypeError(`${req.method} ${req.path} needs the client's adminToken option`);
      headers.authorization = `Bearer ${this.#options.adminToken}`;
    }
    if (req.body === undefined) return { method: req.method, headers };
    headers['content-type'] = 'application/json';
    return { method: req.method, headers, body: JSON.stringify(req.body) };
  }

  /** One attempt, bounded by `timeoutMs`; the body is read inside the bound too. */
  async #once(
    url: string,
    init: RequestInit,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ body: unknown; headers: Headers }> {
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let res: Response;
    let text: string;
    try {
      res = await this.#options.fetch(url, { ...init, signal: controller.signal });
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw this.#noAnswer(err, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (res.ok) {
      if (res.status === 204 || text === '') return { body: undefined, headers: res.headers };
      const body = parseJson(text);
      if (body === undefined) throw this.#unexpected(res, text);
      return { body, headers: res.headers };
    }
    throw this.#failure(res, text);
  }

  /** A request that got no answer: the timeout, or what the network said. */
  #noAnswer(err: unknown, timedOut: boolean, timeoutMs: number): PunctualError {
    if (timedOut) return new PunctualError({ status: 0, code: 'timeout', message: `no answer within ${timeoutMs} ms`, cause: err });
    const why = err instanceof Error ? err.message : String(err);
    return new PunctualError({ status: 0, code: 'network_error', message: `the request failed: ${why}`, cause: err });
  }

  /** A non-2xx answer as a `PunctualError`, with every field of the API's error body. */
  #failure(res: Response, text: string): PunctualError {
    const body = parseJson(text);
    if (!isErrorBody(body)) return this.#unexpected(res, text);
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    const requestId = requestIdOf(res.headers);
    const { error, message, details, current, exceeded, position } = body;
    return new PunctualError({
      status: res.status,
      code: error,
      message,
      ...(details !== undefined ? { details } : {}),
      ...(current !== undefined ? { current } : {}),
      ...(exceeded !== undefined ? { exceeded } : {}),
      ...(position !== undefined ? { position } : {}),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    });
  }

  /** An answer that is not the API's JSON (a proxy's HTML page, a truncated body). */
  #unexpected(res: Response, text: string): PunctualError {
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    const requestId = requestIdOf(res.headers);
    return new PunctualError({
      status: res.status,
      code: 'unexpected_response',
      message: `HTTP ${res.status} with a body that is not the API's JSON: ${text.slice(0, 200)}`,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    });
  }
}
