import { api } from '../../../../libs/http/api';
import { toMessageDto } from '../../../../libs/messages/dto';
import { messageListQuerySchema } from '../../../../libs/messages/schemas';

export const handler = api('listMessages', { query: messageListQuerySchema }, async ({ query, principal, services }) => {
  const page = await services.messages.list(principal, query);
  return { status: 200, body: { items: page.items.map(toMessageDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
