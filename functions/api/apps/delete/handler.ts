import { api } from '../../../../libs/http/api';

export const handler = api('deleteApp', async ({ params, principal, services }) => {
  await services.apps.delete(principal, params.appId);
  return { status: 204 };
});
