import { api } from '../../../../libs/http/api';
import { toOwnTenantDto } from '../../../../libs/tenancy/dto';

export const handler = api('getOwnTenant', async ({ principal, services }) => {
  const { tenant, limits } = await services.tenants.own(principal);
  return { status: 200, body: toOwnTenantDto(tenant, limits) };
});
