import { api } from '../../../../libs/http/api';
import { toAppDto } from '../../../../libs/apps/dto';
import { appUpdateSchema } from '../../../../libs/apps/schemas';

export const handler = api('updateApp', { body: appUpdateSchema }, async ({ body, params, principal, services }) => ({
  status: 200,
  body: toAppDto(await services.apps.update(principal, params.appId, body)),
}));
