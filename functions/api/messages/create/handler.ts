import { api } from '../../../../libs/http/api';
import { memberText } from '../../../../libs/http/json-text';
import { toMessageDto } from '../../../../libs/messages/dto';
import { idempotencyKeyOf, messageCreateSchema } from '../../../../libs/messages/schemas';

export const handler = api('createMessage', { body: messageCreateSchema }, async ({ body, bodyText, header, principal, services }) => {
  const idempotencyKey = idempotencyKeyOf(header('idempotency-key'), body.idempotencyKey);
  const input = { ...body, payloadText: memberText(bodyText, 'payload'), ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) };
  const { message, created } = await services.messages.create(principal, input);
  return { status: created ? 201 : 200, body: toMessageDto(message) };
});
