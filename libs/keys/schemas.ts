import { z } from 'zod';

export const keyCreateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    scope: z.enum(['control', 'data'], { error: 'scope must be "control" or "data"' }),
    appId: z.string().max(100).optional(),
    plan: z.string().min(1).max(64).optional(),
  })
  .refine((k) => k.scope !== 'data' || k.appId, { message: 'appId is required for a data key', path: ['appId'] })
  .refine((k) => k.scope !== 'control' || !k.appId, { message: 'a control key is not bound to an app; omit appId', path: ['appId'] });
export type KeyCreateInput = z.output<typeof keyCreateSchema>;
