import { api } from '../../../../libs/http/api';
import { toScheduleDto } from '../../../../libs/schedules/dto';
import { scheduleCreateSchema } from '../../../../libs/schedules/schemas';

export const handler = api('createSchedule', { body: scheduleCreateSchema }, async ({ body, principal, services }) => ({
  status: 201,
  body: toScheduleDto(await services.schedules.create(principal, body), services.clock.now()),
}));
