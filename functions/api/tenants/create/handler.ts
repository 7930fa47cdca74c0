import { api } from '../../../../libs/http/api';
import { iso } from '../../../../libs/domain/clock';
import { toKeyDto } from '../../../../libs/keys/dto';
import { tenantCreateSchema } from '../../../../libs/tenancy/schemas';

export const handler = api('createTenant', { body: tenantCreateSchema }, async ({ body, owner, services }) => {
  const { tenant, controlKey } = await services.tenants.create(owner, body);
  return {
    status: 201,
    body: {
      id: tenant.id,
      name: tenant.name,
      plan: tenant.plan,
      status: tenant.status,
      createdAt: iso(tenant.createdAt),
      controlKey: { ...toKeyDto(controlKey.key), key: controlKey.value },
    },
  };
});
