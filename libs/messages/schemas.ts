import { z } from 'zod';
import { durationSeconds } from '../domain/duration';
import { ValidationError } from '../domain/errors';
import { chainLinkSchema, retryPolicySchema } from '../domain/schemas';
import { headersSchema, rfc3339, setFastPath } from '../domain/validate';
import { maxPageLimit } from '../domain/page';
import { maxBatchSize } from './model';

/** Longest `delaySeconds` or `delay`: a year. */
export const maxDelaySeconds = 31_536_000;

/** The fields that say when; at most one of them. */
const timeFields = ['sendAt', 'delaySeconds', 'delay'] as const;

export const messageCreateSchema = z
  .strictObject({
    appId: z.string().max(100).optional(),
    payload: z.json({ error: 'payload is required and must be a JSON value' }),
    sendAt: rfc3339().optional(),
    delaySeconds: z.number().int().min(0).max(maxDelaySeconds).optional(),
    delay: z
      .string()
      .refine((d) => (durationSeconds(d) ?? Number.POSITIVE_INFINITY) <= maxDelaySeconds, {
        error: 'must be a duration such as "90s", "10m", "1h30m" or "2d" (whole days, hours, minutes, seconds), at most 365d',
      })
      .optional(),
    idempotencyKey: z.string().min(1).max(256).optional(),
    headers: headersSchema.optional(),
    retryPolicy: retryPolicySchema.optional(),
    onSuccess: chainLinkSchema.optional(),
    onFailure: chainLinkSchema.optional(),
  })
  .superRefine((m, ctx) => {
    const given = timeFields.filter((f) => m[f] !== undefined);
    if (given.length > 1)
      ctx.addIssue({ code: 'custom', path: [given[1]], message: `give one of ${timeFields.join(', ')}, not ${given.join(' and ')}` });
  });
export type MessageCreateInput = z.output<typeof messageCreateSchema>;

/** The pattern `rfc3339()` checks (zod's own, built from the same options). */
const sendAtPattern = z.core.regexes.datetime({ offset: true });
const maxFastDepth = 64;

/** Whether `v` is a value `z.json()` accepts unchanged: plain data of JSON types, no `__proto__` key. */
const isPlainJson = (v: unknown, depth: number): boolean => {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (depth >= maxFastDepth) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const k in v) if (k === '__proto__' || !isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
};

/**
 * The common create body (appId, payload, sendAt or delaySeconds, idempotencyKey, all valid) without
 * zod; anything else (headers, retryPolicy, any doubt, every error) goes to `messageCreateSchema`.
 */
const fastCreate = (v: unknown): MessageCreateInput | undefined => {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const o = v as Record<string, unknown>;
  for (const k in o)
    if (k !== 'appId' && k !== 'payload' && k !== 'sendAt' && k !== 'delaySeconds' && k !== 'idempotencyKey') return undefined;
  const { appId, payload, sendAt, delaySeconds, idempotencyKey } = o;
  if (payload === undefined || !isPlainJson(payload, 0)) return undefined;
  const hasAppId = 'appId' in o;
  if (hasAppId && (typeof appId !== 'string' || appId.length > 100)) return undefined;
  const hasSendAt = 'sendAt' in o;
  const hasDelay = 'delaySeconds' in o;
  if (hasSendAt && (typeof sendAt !== 'string' || !sendAtPattern.test(sendAt) || hasDelay)) return undefined;
  if (
    hasDelay &&
    (typeof delaySeconds !== 'number' || !Number.isSafeInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > maxDelaySeconds)
  )
    return undefined;
  const hasIdem = 'idempotencyKey' in o;
  if (hasIdem && (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 256)) return undefined;
  // The same keys in the same order as zod's output.
  const out = {} as MessageCreateInput;
  if (hasAppId) out.appId = appId as string;
  out.payload = payload as MessageCreateInput['payload'];
  if (hasSendAt) out.sendAt = sendAt as string;
  if (hasDelay) out.delaySeconds = delaySeconds as number;
  if (hasIdem) out.idempotencyKey = idempotencyKey as string;
  return out;
};
setFastPath(messageCreateSchema, fastCreate);

/**
 * The idempotency key of a create: the `Idempotency-Key` header, the body's `idempotencyKey`, or both when they are
 * equal (a request that gives two different keys is refused rather than one of them ignored).
 */
export const idempotencyKeyOf = (header: string | undefined, body: string | undefined): string | undefined => {
  if (header === undefined) return body;
  const problem =
    header.length < 1 || header.length > 256
      ? 'must be 1 to 256 characters'
      : body !== undefined && body !== header
        ? "differs from the body's idempotencyKey; give one, or both equal"
        : undefined;
  if (problem) throw new ValidationError(`header Idempotency-Key: ${problem}`, [{ path: 'Idempotency-Key', issue: problem }]);
  return header;
};

/** The batch envelope; each item is validated on its own so one bad item does not sink the others. */
export const messageBatchSchema = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1, 'items must hold at least one message')
    .max(maxBatchSize, `at most ${maxBatchSize} messages per batch`),
});

export const messageListQuerySchema = z.strictObject({
  status: z.enum(['scheduled', 'delivering', 'delivered', 'failed', 'aborted']).optional(),
  appId: z.string().max(100).optional(),
  scheduleId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(maxPageLimit).optional(),
  cursor: z.string().max(200).optional(),
  include: z.literal('result').optional(),
});

export const redriveSchema = z.strictObject({ sendAt: rfc3339().optional() });
