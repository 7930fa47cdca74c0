import { z } from 'zod';
import { chainLinkSchema, pageQuerySchema, retryPolicySchema } from '../domain/schemas';
import { headersSchema, rfc3339 } from '../domain/validate';
import { maxMisfireGraceSeconds } from './model';

// expression and timezone are plain strings here: their own parsers give the precise
// invalid_expression / invalid_timezone errors (which field, why).
const fields = {
  name: z.string().trim().min(1).max(200),
  expression: z.string().max(1_000),
  timezone: z.string().max(100),
  startAt: rfc3339(),
  endAt: rfc3339(),
  payload: z.json({ error: 'payload is required and must be a JSON value' }),
  headers: headersSchema,
  retryPolicy: retryPolicySchema,
  misfireGraceSeconds: z.number().int().min(0).max(maxMisfireGraceSeconds),
  overlap: z.enum(['allow', 'skip']),
};

/** Body of POST /v1/schedules. */
export const scheduleCreateSchema = z.strictObject({
  appId: z.string().max(100).optional(),
  name: fields.name,
  expression: fields.expression,
  timezone: fields.timezone.optional(),
  startAt: fields.startAt.optional(),
  endAt: fields.endAt.optional(),
  payload: fields.payload,
  headers: fields.headers.optional(),
  retryPolicy: fields.retryPolicy.optional(),
  misfireGraceSeconds: fields.misfireGraceSeconds.optional(),
  enabled: z.boolean().optional(),
  onSuccess: chainLinkSchema.optional(),
  onFailure: chainLinkSchema.optional(),
  overlap: fields.overlap.optional(),
});
export type ScheduleCreateInput = z.output<typeof scheduleCreateSchema>;

/** Body of PATCH /v1/schedules/{scheduleId}: any subset of the fields, at least one. */
export const scheduleUpdateSchema = z
  .strictObject({
    name: fields.name.optional(),
    expression: fields.expression.optional(),
    timezone: fields.timezone.optional(),
    startAt: fields.startAt.optional(),
    endAt: fields.endAt.optional(),
    payload: fields.payload.optional(),
    headers: fields.headers.optional(),
    retryPolicy: fields.retryPolicy.optional(),
    misfireGraceSeconds: fields.misfireGraceSeconds.optional(),
    // null removes the link.
    onSuccess: chainLinkSchema.nullable().optional(),
    onFailure: chainLinkSchema.nullable().optional(),
    overlap: fields.overlap.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'give at least one field to change');
export type ScheduleUpdateInput = z.output<typeof scheduleUpdateSchema>;

/** Most occurrences one preview returns. */
export const maxPreviewCount = 50;
/** @default occurrences a preview returns when `count` is not given */
export const defaultPreviewCount = 5;

/** Body of POST /v1/schedules/preview: a schedule's timing, and how many occurrences to list. */
export const schedulePreviewSchema = z.strictObject({
  expression: fields.expression,
  timezone: fields.timezone.optional(),
  startAt: fields.startAt.optional(),
  endAt: fields.endAt.optional(),
  count: z.number().int().min(1).max(maxPreviewCount).optional(),
});
export type SchedulePreviewInput = z.output<typeof schedulePreviewSchema>;

/** Query of GET /v1/schedules. */
export const scheduleListQuerySchema = pageQuerySchema.extend({ appId: z.string().max(100).optional() });
export type ScheduleListQuery = z.output<typeof scheduleListQuerySchema>;

/** Query of GET /v1/schedules/{scheduleId}/runs. */
export const scheduleRunsQuerySchema = pageQuerySchema.extend({ include: z.literal('result').optional() });
