import type { Tenant } from './model';

/** Persistence of tenants. */
export interface TenantStore {
  /** Inserts a new tenant. */
  create(tenant: Tenant): Promise<void>;
  /** The tenant, or undefined. */
  get(tenantId: string): Promise<Tenant | undefined>;
}
