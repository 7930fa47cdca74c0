import type { RequestOptions, Transport } from '../transport.js';
import type { TenantCreateParams, TenantCreated } from '../types.js';

/** Account bootstrap (operator): `p.tenants`, on a client made with `adminToken`. */
export class Tenants {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates a tenant; the answer holds its first control key, shown only here. Not retried (no idempotency key). */
  create(params: TenantCreateParams, options?: RequestOptions): Promise<TenantCreated> {
    return this.#http.request({ method: 'POST', path: '/v1/tenants', body: params, credential: 'adminToken', retry: false }, options);
  }
}
