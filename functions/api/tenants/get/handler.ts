import { api } from '../../../../libs/http/api';
import { toTenantDto } from '../../../../libs/tenancy/dto';

export const handler = api('getTenant', async ({ params, services }) => ({
  status: 200,
  body: toTenantDto(await services.tenants.get(params.tenantId)),
}));
