import { api } from '../../../../libs/http/api';
import { toAppDto } from '../../../../libs/apps/dto';

export const handler = api('getApp', async ({ params, principal, services }) => ({
  status: 200,
  body: toAppDto(await services.apps.get(principal, params.appId)),
}));
