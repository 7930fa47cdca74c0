import { api } from '../../../../libs/http/api';

export const handler = api('revokeKey', async ({ params, principal, services }) => {
  await services.keys.revoke(principal, params.keyId);
  return { status: 204 };
});
