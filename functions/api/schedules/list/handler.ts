import { api } from '../../../../libs/http/api';
import { toScheduleDto } from '../../../../libs/schedules/dto';
import { scheduleListQuerySchema } from '../../../../libs/schedules/schemas';

export const handler = api('listSchedules', { query: scheduleListQuerySchema }, async ({ query, principal, services }) => {
  const page = await services.schedules.list(principal, query);
  const now = services.clock.now();
  return {
    status: 200,
    body: { items: page.items.map((s) => toScheduleDto(s, now)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
  };
});
