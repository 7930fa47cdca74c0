import { api } from '../../../../libs/http/api';
import { toMessageDto } from '../../../../libs/messages/dto';

export const handler = api('triggerSchedule', async ({ params, principal, services }) => ({
  status: 201,
  body: toMessageDto(await services.schedules.trigger(principal, params.scheduleId)),
}));
