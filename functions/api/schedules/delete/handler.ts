import { api } from '../../../../libs/http/api';

export const handler = api({ access: 'data' }, async ({ params, principal, services }) => {
  await services.schedules.delete(principal, params.scheduleId);
  return { status: 204 };
});
