import { api } from '../../../../libs/http/api';
import { toTenantDto } from '../../../../libs/tenancy/dto';
import { tenantListQuerySchema } from '../../../../libs/tenancy/schemas';

export const handler = api('listTenants', { query: tenantListQuerySchema }, async ({ query, services }) => {
  const page = await services.tenants.list(query);
  return { status: 200, body: { items: page.items.map(toTenantDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
