import { api } from '../../../../libs/http/api';

export const handler = api({ access: 'public' }, async ({ services }) => ({
  status: 200,
  body: { status: 'ok', version: services.version },
}));
