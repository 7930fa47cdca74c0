import { api } from '../../../../libs/http/api';
import { defaultPageLimit } from '../../../../libs/domain/page';
import { pageQuerySchema } from '../../../../libs/domain/schemas';
import { toKeyDto } from '../../../../libs/keys/dto';

export const handler = api('listKeys', { query: pageQuerySchema }, async ({ query, principal, services }) => {
  const page = await services.keys.list(principal, { limit: query.limit ?? defaultPageLimit, cursor: query.cursor });
  return { status: 200, body: { items: page.items.map(toKeyDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
