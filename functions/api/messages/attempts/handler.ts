import { api } from '../../../../libs/http/api';
import { toAttemptDto } from '../../../../libs/messages/dto';

export const handler = api('listMessageAttempts', async ({ params, principal, services }) => ({
  status: 200,
  body: { items: (await services.messages.attempts(principal, params.messageId)).map(toAttemptDto) },
}));
