import { type Page, PagePromise } from '../page.js';
import type { RequestOptions, Transport } from '../transport.js';
import type { OwnTenant, Tenant, TenantCreated, TenantCreateParams, TenantListParams, TenantUpdateParams } from '../types.js';

const path = (tenantId: string): string => `/v1/tenants/${encodeURIComponent(tenantId)}`;

/**
 * Tenants: `p.tenants`. `create`, `list`, `get` and `update` are the operator's, on a client made with `adminToken`;
 * `me` is a tenant's own, with its control key.
 */
export class Tenants {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates a tenant; the answer holds its first control key, shown only here. Not retried (no idempotency key). */
  create(params: TenantCreateParams, options?: RequestOptions): Promise<TenantCreated> {
    return this.#http.request({ method: 'POST', path: '/v1/tenants', body: params, credential: 'adminToken', retry: false }, options);
  }

  /** Every tenant, newest first (operator); awaitable as a page, iterable over all. */
  list(params: TenantListParams = {}, options?: RequestOptions): PagePromise<Tenant> {
    return new PagePromise(
      (cursor) =>
        this.#http.request<Page<Tenant>>(
          { method: 'GET', path: '/v1/tenants', query: { ...params, cursor }, credential: 'adminToken', retry: true },
          options,
        ),
      params.cursor,
    );
  }

  /** One tenant (operator). */
  get(tenantId: string, options?: RequestOptions): Promise<Tenant> {
    return this.#http.request({ method: 'GET', path: path(tenantId), credential: 'adminToken', retry: true }, options);
  }

  /**
   * Changes a tenant's `name`, `plan` or `status` (operator). A new plan applies to its keys at once (a key's own
   * lower plan stays); `suspended` answers its keys `403 tenant_suspended` and holds its due messages until `active`.
   */
  update(tenantId: string, params: TenantUpdateParams, options?: RequestOptions): Promise<Tenant> {
    return this.#http.request({ method: 'PATCH', path: path(tenantId), body: params, credential: 'adminToken', retry: false }, options);
  }

  /** The caller's own tenant with its plan's limits (control key). */
  me(options?: RequestOptions): Promise<OwnTenant> {
    return this.#http.request({ method: 'GET', path: '/v1/tenants/me', credential: 'apiKey', retry: true }, options);
  }
}
