import { api } from '../../../../libs/http/api';
import { describeError } from '../../../../libs/http/errors';
import { elementMemberTexts } from '../../../../libs/http/json-text';
import { toMessageDto } from '../../../../libs/messages/dto';
import { idempotencyKeyOf, messageBatchSchema } from '../../../../libs/messages/schemas';

export const handler = api('createMessageBatch', { body: messageBatchSchema }, async ({ body, bodyText, header, principal, services }) => {
  const results = await services.messages.createBatch(principal, body.items, {
    payloadTexts: elementMemberTexts(bodyText, 'items', 'payload'),
    idempotencyKey: idempotencyKeyOf(header('idempotency-key'), undefined),
  });
  const items = results.map((r) => {
    if ('error' in r) {
      const { statusCode, body: error } = describeError(r.error);
      return { index: r.index, status: statusCode, error };
    }
    return { index: r.index, status: r.result.created ? 201 : 200, message: toMessageDto(r.result.message) };
  });
  return { status: 200, body: { items } };
});
