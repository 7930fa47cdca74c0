import { api } from '../../../../libs/http/api';

export const handler = api('deleteSchedule', async ({ params, principal, services }) => {
  await services.schedules.delete(principal, params.scheduleId);
  return { status: 204 };
});
