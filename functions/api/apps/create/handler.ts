import { api } from '../../../../libs/http/api';
import { toAppDto } from '../../../../libs/apps/dto';
import { appCreateSchema } from '../../../../libs/apps/schemas';

export const handler = api('createApp', { body: appCreateSchema }, async ({ body, principal, services }) => {
  const app = await services.apps.create(principal, body);
  return { status: 201, body: { ...toAppDto(app), signingSecret: app.signingSecret } };
});
