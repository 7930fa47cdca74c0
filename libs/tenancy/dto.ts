import { iso } from '../domain/clock';
import type { Plan } from '../plans/catalogue';
import type { Tenant } from './model';

/** The tenant as the API shows it (never its owner's identity). */
export const toTenantDto = (t: Tenant) => ({
  id: t.id,
  name: t.name,
  plan: t.plan,
  status: t.status,
  createdAt: iso(t.createdAt),
  ...(t.updatedAt !== undefined ? { updatedAt: iso(t.updatedAt) } : {}),
});

/** `GET /v1/tenants/me`: the caller's tenant with its plan's limits (an absent limit is no limit). */
export const toOwnTenantDto = (t: Tenant, limits: Plan) => ({ ...toTenantDto(t), limits });
