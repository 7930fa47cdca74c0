import { api } from '../../../../libs/http/api';
import { toAppDto } from '../../../../libs/apps/dto';
import { defaultPageLimit } from '../../../../libs/domain/page';
import { pageQuerySchema } from '../../../../libs/domain/schemas';

export const handler = api('listApps', { query: pageQuerySchema }, async ({ query, principal, services }) => {
  const page = await services.apps.list(principal, { limit: query.limit ?? defaultPageLimit, cursor: query.cursor });
  return { status: 200, body: { items: page.items.map(toAppDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
