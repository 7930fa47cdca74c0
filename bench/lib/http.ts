import { Pool } from 'undici';
import { defer } from './cleanup';

/** One answered request. */
export interface Reply<T = unknown> {
  status: number;
  body: T;
  /** Round trip in ms, from just before sending to the end of the body. */
  ms: number;
}

/** A keep-alive client for one server (undici Pool). Network errors reject; HTTP errors resolve. */
export class Api {
  private readonly pool: Pool;
  private readonly closeNow: () => Promise<void>;

  constructor(
    readonly url: string,
    connections = 64,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
    this.closeNow = defer(`client ${url}`, () => this.pool.destroy());
  }

  /**
   * Sends a request; the body is JSON-encoded; `key` goes in x-api-key, `bearer` in authorization. The answer is
   * untyped by default: the workloads read a field or two of it, and a wrong one fails the run.
   */
  // biome-ignore lint/suspicious/noExplicitAny: an untyped default for the answer's body, see above
  async call<T = any>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    opts: { body?: unknown; key?: string; bearer?: string } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.key) headers['x-api-key'] = opts.key;
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    const started = performance.now();
    const res = await this.pool.request({ method, path, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.body.text();
    const ms = performance.now() - started;
    return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T, ms };
  }

  close(): Promise<void> {
    return this.closeNow();
  }
}

/** What a workload needs to talk to the server: a control key and an app targeting the receiver. */
export interface Tenant {
  key: string;
  appId: string;
}

/** POST /v1/tenants (unlimited plan) then POST /v1/apps aimed at `targetUrl`. */
export const bootstrap = async (api: Api, adminToken: string, targetUrl: string, app: Record<string, unknown> = {}): Promise<Tenant> => {
  const t = await api.call('POST', '/v1/tenants', { bearer: adminToken, body: { name: 'bench', plan: 'unlimited' } });
  if (t.status !== 201) throw new Error(`POST /v1/tenants: ${t.status} ${JSON.stringify(t.body)}`);
  const key = t.body.controlKey.key as string;
  const a = await createApp(api, key, targetUrl, app);
  return { key, appId: a };
};

/** Creates an app with high concurrency and quick retries; returns its id. */
export const createApp = async (api: Api, key: string, targetUrl: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const a = await api.call('POST', '/v1/apps', {
    key,
    body: {
      name: 'bench',
      target: { type: 'http', url: targetUrl, timeoutMs: 10_000 },
      maxConcurrency: 1_000,
      retryPolicy: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 1_000 },
      ...extra,
    },
  });
  if (a.status !== 201) throw new Error(`POST /v1/apps: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body.id as string;
};
