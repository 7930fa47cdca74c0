import { api } from '../../../../libs/http/api';
import { toMessageItems } from '../../../../libs/messages/dto';
import { scheduleRunsQuerySchema } from '../../../../libs/schedules/schemas';

export const handler = api('listScheduleRuns', { query: scheduleRunsQuerySchema }, async ({ params, query, principal, services }) => {
  const page = await services.schedules.runs(principal, params.scheduleId, query);
  return {
    status: 200,
    body: { items: toMessageItems(page.items, query.include), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
  };
});
