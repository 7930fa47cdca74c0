import { api } from '../../../../libs/http/api';
import { toMessageDto } from '../../../../libs/messages/dto';

export const handler = api('getMessage', async ({ params, principal, services }) => ({
  status: 200,
  body: toMessageDto(await services.messages.get(principal, params.messageId)),
}));
