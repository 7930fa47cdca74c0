import { type Page, PagePromise } from '../page.js';
import type { RequestOptions, Transport } from '../transport.js';
import type { ApiKey, ApiKeyCreated, KeyCreateParams, KeyListParams } from '../types.js';

/** API keys (control key): `p.keys`. */
export class Keys {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates a key; its value (`key`) is shown only in this answer. */
  create(params: KeyCreateParams, options?: RequestOptions): Promise<ApiKeyCreated> {
    return this.#http.request({ method: 'POST', path: '/v1/keys', body: params, credential: 'apiKey', retry: false }, options);
  }

  /** The tenant's keys, without their values; awaitable as a page, iterable over all. */
  list(params: KeyListParams = {}, options?: RequestOptions): PagePromise<ApiKey> {
    return new PagePromise(
      (cursor) =>
        this.#http.request<Page<ApiKey>>(
          { method: 'GET', path: '/v1/keys', query: { ...params, cursor }, credential: 'apiKey', retry: true },
          options,
        ),
      params.cursor,
    );
  }

  /** Revokes a key; it stops working at once. */
  async revoke(keyId: string, options?: RequestOptions): Promise<void> {
    await this.#http.request(
      { method: 'DELETE', path: `/v1/keys/${encodeURIComponent(keyId)}`, credential: 'apiKey', retry: false },
      options,
    );
  }
}
