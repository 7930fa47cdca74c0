import { api } from '../../../../libs/http/api';
import { toMessageItems } from '../../../../libs/messages/dto';
import { messageListQuerySchema } from '../../../../libs/messages/schemas';

export const handler = api('listMessages', { query: messageListQuerySchema }, async ({ query, principal, services }) => {
  const page = await services.messages.list(principal, query);
  return {
    status: 200,
    body: { items: toMessageItems(page.items, query.include), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
  };
});
