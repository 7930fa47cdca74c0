import { api } from '../../../../libs/http/api';
import { toAppDto } from '../../../../libs/apps/dto';

export const handler = api({ access: 'control' }, async ({ params, principal, services }) => ({
  status: 200,
  body: toAppDto(await services.apps.get(principal, params.appId)),
}));
