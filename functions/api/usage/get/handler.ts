import { api } from '../../../../libs/http/api';
import { usageQuerySchema } from '../../../../libs/usage/schemas';

export const handler = api('getUsage', { query: usageQuerySchema }, async ({ query, principal, services }) => ({
  status: 200,
  body: await services.usage.get(principal, query),
}));
