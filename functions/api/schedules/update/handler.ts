import { api } from '../../../../libs/http/api';
import { memberText } from '../../../../libs/http/json-text';
import { toScheduleDto } from '../../../../libs/schedules/dto';
import { scheduleUpdateSchema } from '../../../../libs/schedules/schemas';

export const handler = api('updateSchedule', { body: scheduleUpdateSchema }, async ({ body, bodyText, params, principal, services }) => {
  const input = { ...body, payloadText: memberText(bodyText, 'payload') };
  return { status: 200, body: toScheduleDto(await services.schedules.update(principal, params.scheduleId, input), services.clock.now()) };
});
