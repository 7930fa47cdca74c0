import { api } from '../../../../libs/http/api';

export const handler = api('getHealth', async ({ services }) => ({
  status: 200,
  body: { status: 'ok', version: services.version },
}));
