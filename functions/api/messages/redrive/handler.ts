import { api } from '../../../../libs/http/api';
import { toMessageDto } from '../../../../libs/messages/dto';
import { redriveSchema } from '../../../../libs/messages/schemas';

export const handler = api('redriveMessage', { body: redriveSchema }, async ({ body, params, principal, services }) => ({
  status: 200,
  body: toMessageDto(await services.messages.redrive(principal, params.messageId, body.sendAt)),
}));
