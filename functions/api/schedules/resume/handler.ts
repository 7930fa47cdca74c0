import { api } from '../../../../libs/http/api';
import { toScheduleDto } from '../../../../libs/schedules/dto';

export const handler = api('resumeSchedule', async ({ params, principal, services }) => ({
  status: 200,
  body: toScheduleDto(await services.schedules.resume(principal, params.scheduleId), services.clock.now()),
}));
