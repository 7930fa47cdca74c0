import { z } from 'zod';
import { retryPolicySchema } from '../domain/schemas';
import { headersSchema, rfc3339 } from '../domain/validate';
import { maxBatchSize } from './model';

export const messageCreateSchema = z
  .strictObject({
    appId: z.string().max(100).optional(),
    payload: z.json({ error: 'payload is required and must be a JSON value' }),
    sendAt: rfc3339().optional(),
    delaySeconds: z.number().int().min(0).max(31_536_000).optional(),
    idempotencyKey: z.string().min(1).max(256).optional(),
    headers: headersSchema.optional(),
    retryPolicy: retryPolicySchema.optional(),
  })
  .refine((m) => m.sendAt === undefined || m.delaySeconds === undefined, {
    message: 'give sendAt or delaySeconds, not both',
    path: ['delaySeconds'],
  });
export type MessageCreateInput = z.output<typeof messageCreateSchema>;

/** The batch envelope; each item is validated on its own so one bad item does not sink the others. */
export const messageBatchSchema = z.strictObject({
  items: z.array(z.unknown()).min(1, 'items must hold at least one message').max(maxBatchSize, `at most ${maxBatchSize} messages per batch`),
});

export const messageListQuerySchema = z.strictObject({
  status: z.enum(['scheduled', 'delivering', 'delivered', 'failed', 'aborted']).optional(),
  appId: z.string().max(100).optional(),
  scheduleId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
});

export const redriveSchema = z.strictObject({ sendAt: rfc3339().optional() });
