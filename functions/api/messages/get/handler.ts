import { api } from '../../../../libs/http/api';
import { toMessageDetailDto } from '../../../../libs/messages/dto';

export const handler = api('getMessage', async ({ params, principal, services }) => ({
  status: 200,
  body: toMessageDetailDto(await services.messages.get(principal, params.messageId)),
}));
