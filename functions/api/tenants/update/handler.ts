import { api } from '../../../../libs/http/api';
import { toTenantDto } from '../../../../libs/tenancy/dto';
import { tenantUpdateSchema } from '../../../../libs/tenancy/schemas';

export const handler = api('updateTenant', { body: tenantUpdateSchema }, async ({ body, params, services }) => ({
  status: 200,
  body: toTenantDto(await services.tenants.update(params.tenantId, body)),
}));
