import { api } from '../../../../libs/http/api';
import { toScheduleDto } from '../../../../libs/schedules/dto';
import { scheduleUpdateSchema } from '../../../../libs/schedules/schemas';

export const handler = api('updateSchedule', { body: scheduleUpdateSchema }, async ({ body, params, principal, services }) => ({
  status: 200,
  body: toScheduleDto(await services.schedules.update(principal, params.scheduleId, body), services.clock.now()),
}));
