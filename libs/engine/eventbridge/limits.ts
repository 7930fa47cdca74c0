/**
 * The AWS deliver function's concurrency, in one place: infra/engine.ts gives the function this reserved
 * concurrency and event-source batch size, and the engine derives its delivery slots from them.
 */

/**
 * @default reserved concurrency of the deliver function: hanging targets can hold at most this many
 * invocations, and never the account's unreserved concurrency, which the API functions share. The
 * account must keep 100 unreserved on top (Lambda's rule), so it needs a concurrency quota of at least 150.
 */
export const deliverReservedConcurrency = 50;

/** @default delivery-queue records per deliver invocation, handled in parallel (its SQS event source's batch size) */
export const deliverBatchSize = 10;

/** Deliveries in flight at once on AWS: every reserved invocation with a full batch. A tenant holds at most its plan's share of them. */
export const awsMaxInFlight = deliverReservedConcurrency * deliverBatchSize;
