import { api } from '../../../../libs/http/api';
import { toKeyDto } from '../../../../libs/keys/dto';
import { keyCreateSchema } from '../../../../libs/keys/schemas';

export const handler = api('createKey', { body: keyCreateSchema }, async ({ body, principal, services }) => {
  const issued = await services.keys.create(principal, body);
  return { status: 201, body: { ...toKeyDto(issued.key), key: issued.value } };
});
