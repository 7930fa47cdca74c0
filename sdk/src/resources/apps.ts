import { type Page, PagePromise } from '../page.js';
import type { RequestOptions, Transport } from '../transport.js';
import type { App, AppCreateParams, AppDeletion, AppListParams, AppUpdateParams, AppWithSecret, SecretRotation } from '../types.js';

const path = (appId: string, action = ''): string => `/v1/apps/${encodeURIComponent(appId)}${action}`;

/** Delivery targets with their signing secret, retry policy and flow limits (control key): `p.apps`. */
export class Apps {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates an app; the answer's `signingSecret` (`whsec_…`) is shown only here and on rotation. */
  create(params: AppCreateParams, options?: RequestOptions): Promise<AppWithSecret> {
    return this.#http.request({ method: 'POST', path: '/v1/apps', body: params, credential: 'apiKey', retry: false }, options);
  }

  /** One app (header values of its target are never returned, only their names). */
  get(appId: string, options?: RequestOptions): Promise<App> {
    return this.#http.request({ method: 'GET', path: path(appId), credential: 'apiKey', retry: true }, options);
  }

  /** The tenant's apps; awaitable as a page, iterable over all. */
  list(params: AppListParams = {}, options?: RequestOptions): PagePromise<App> {
    return new PagePromise(
      (cursor) =>
        this.#http.request<Page<App>>(
          { method: 'GET', path: '/v1/apps', query: { ...params, cursor }, credential: 'apiKey', retry: true },
          options,
        ),
      params.cursor,
    );
  }

  /** Changes any non-empty subset of the create fields; `target` replaces the whole target. */
  update(appId: string, params: AppUpdateParams, options?: RequestOptions): Promise<App> {
    return this.#http.request({ method: 'PATCH', path: path(appId), body: params, credential: 'apiKey', retry: false }, options);
  }

  /**
   * Deletes the app, aborting its pending messages (they stay readable, and cannot be redriven) and deleting its
   * schedules; resolves with how many messages it aborted (the `Punctual-Aborted-Messages` header).
   */
  async delete(appId: string, options?: RequestOptions): Promise<AppDeletion> {
    const { headers } = await this.#http.exchange({ method: 'DELETE', path: path(appId), credential: 'apiKey', retry: false }, options);
    return { abortedMessages: Number(headers.get('punctual-aborted-messages') ?? 0) };
  }

  /** A new signing secret; the previous one keeps signing alongside it for 24 h. */
  rotateSecret(appId: string, options?: RequestOptions): Promise<SecretRotation> {
    return this.#http.request({ method: 'POST', path: path(appId, '/rotate-secret'), credential: 'apiKey', retry: false }, options);
  }
}
