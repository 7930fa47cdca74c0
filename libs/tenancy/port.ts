import type { Page, PageRequest } from '../domain/page';
import type { Tenant } from './model';

/** The fields an operator may change. */
export type TenantChange = Partial<Pick<Tenant, 'name' | 'plan' | 'status' | 'updatedAt'>>;

/** Persistence of tenants. */
export interface TenantStore {
  /** Inserts a new tenant. */
  create(tenant: Tenant): Promise<void>;
  /** The tenant, or undefined. */
  get(tenantId: string): Promise<Tenant | undefined>;
  /** Every tenant, newest first (operator administration). */
  list(page: PageRequest): Promise<Page<Tenant>>;
  /** Applies `change`; returns the tenant after it, or undefined when there is no such tenant. */
  update(tenantId: string, change: TenantChange): Promise<Tenant | undefined>;
}
