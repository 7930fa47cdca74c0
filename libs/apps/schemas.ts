import { z } from 'zod';
import { headersSchema } from '../domain/validate';
import { retryPolicySchema } from '../domain/schemas';

export const targetSchema = z.strictObject({
  type: z.literal('http', { error: 'target.type must be "http" (the only target type of this runtime)' }),
  url: z.string().max(2048),
  headers: headersSchema.optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});

const appFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  target: targetSchema,
  retryPolicy: retryPolicySchema.optional(),
  maxConcurrency: z.number().int().min(1).max(1_000).optional(),
};

export const appCreateSchema = z.strictObject(appFields);
export type AppCreateInput = z.output<typeof appCreateSchema>;

export const appUpdateSchema = z
  .strictObject({
    ...appFields,
    name: appFields.name.optional(),
    target: targetSchema.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'give at least one field to change');
export type AppUpdateInput = z.output<typeof appUpdateSchema>;
