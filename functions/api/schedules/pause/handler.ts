import { api } from '../../../../libs/http/api';
import { toScheduleDto } from '../../../../libs/schedules/dto';

export const handler = api('pauseSchedule', async ({ params, principal, services }) => ({
  status: 200,
  body: toScheduleDto(await services.schedules.pause(principal, params.scheduleId), services.clock.now()),
}));
