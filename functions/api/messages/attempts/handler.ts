import { api } from '../../../../libs/http/api';
import { toAttemptDto } from '../../../../libs/messages/dto';

export const handler = api({ access: 'data' }, async ({ params, principal, services }) => ({
  status: 200,
  body: { items: (await services.messages.attempts(principal, params.messageId)).map(toAttemptDto) },
}));
