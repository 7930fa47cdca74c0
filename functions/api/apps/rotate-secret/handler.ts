import { api } from '../../../../libs/http/api';
import { iso } from '../../../../libs/domain/clock';

export const handler = api('rotateAppSecret', async ({ params, principal, services }) => {
  const app = await services.apps.rotateSecret(principal, params.appId);
  return { status: 200, body: { signingSecret: app.signingSecret, previousSecretExpiresAt: iso(app.previousSecretExpiresAt!) } };
});
