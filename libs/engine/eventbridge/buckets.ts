/** Minute buckets of the AWS engine: pure maths, shared by the engine and (later) the wake function. */

/** @default width of a bucket: one EventBridge `at()` schedule wakes up for every message due in it */
export const bucketMs = 60_000;
/** @default how long before its bucket a schedule fires (Scheduler fires within the minute; SQS delays do the rest) */
export const wakeLeadMs = 2 * 60_000;
/** SQS's longest `DelaySeconds` (15 minutes): a message due sooner goes to SQS directly. */
export const maxSqsDelaySeconds = 900;

/** The bucket (minute start, epoch ms) a due time falls in. */
export const bucketOf = (dueAt: number): number => Math.floor(dueAt / bucketMs) * bucketMs;

/** The `at()` expression of a bucket's wake-up, in UTC to the second. */
export const atExpression = (bucket: number, leadMs = wakeLeadMs): string => `at(${new Date(bucket - leadMs).toISOString().slice(0, 19)})`;

/** The schedule name of a bucket (unique per group; ≤ 64 chars). */
export const scheduleName = (bucket: number): string => `due-${bucket / bucketMs}`;

/** The SQS delay for a message due at `dueAt`, or undefined when it is too far off for SQS. */
export const sqsDelaySeconds = (dueAt: number, now: number): number | undefined => {
  const s = Math.max(0, Math.ceil((dueAt - now) / 1000));
  return s <= maxSqsDelaySeconds ? s : undefined;
};
