import { api } from '../../../../libs/http/api';
import { toMessageDto } from '../../../../libs/messages/dto';
import { messageCreateSchema } from '../../../../libs/messages/schemas';

export const handler = api('createMessage', { body: messageCreateSchema }, async ({ body, principal, services }) => {
  const { message, created } = await services.messages.create(principal, body);
  return { status: created ? 201 : 200, body: toMessageDto(message) };
});
