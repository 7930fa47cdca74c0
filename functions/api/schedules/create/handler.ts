import { api } from '../../../../libs/http/api';
import { memberText } from '../../../../libs/http/json-text';
import { toScheduleDto } from '../../../../libs/schedules/dto';
import { scheduleCreateSchema } from '../../../../libs/schedules/schemas';

export const handler = api('createSchedule', { body: scheduleCreateSchema }, async ({ body, bodyText, principal, services }) => ({
  status: 201,
  body: toScheduleDto(
    await services.schedules.create(principal, { ...body, payloadText: memberText(bodyText, 'payload') }),
    services.clock.now(),
  ),
}));
