import { z } from 'zod';
import { maxPageLimit } from './page';
import { retryPolicyLimits } from './retry';

const L = retryPolicyLimits;
const floorIssue = `must be at least ${L.baseDelayMs.min} (no retry comes sooner than ${L.baseDelayMs.min / 1000} s)`;

/** Retry policy as a client may set it: any subset, merged over the app's (or the default) policy. */
export const retryPolicySchema = z
  .strictObject({
    maxAttempts: z.number().int().min(L.maxAttempts.min).max(L.maxAttempts.max).optional(),
    baseDelayMs: z.number().int().min(L.baseDelayMs.min, floorIssue).max(L.baseDelayMs.max).optional(),
    maxDelayMs: z.number().int().min(L.maxDelayMs.min, floorIssue).max(L.maxDelayMs.max).optional(),
    maxAgeMs: z.number().int().min(L.maxAgeMs.min).max(L.maxAgeMs.max).optional(),
  })
  .refine((p) => p.maxDelayMs === undefined || p.baseDelayMs === undefined || p.maxDelayMs >= p.baseDelayMs, {
    message: 'maxDelayMs must be at least baseDelayMs',
    path: ['maxDelayMs'],
  });

/** Paging query parameters. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(maxPageLimit).optional(),
  cursor: z.string().max(200).optional(),
});

/** Where a message's outcome is chained to (`onSuccess`, `onFailure`): an app of the same tenant. */
export const chainLinkSchema = z.strictObject({ appId: z.string().min(1).max(100) });
