/**
 * The engine and metering functions (not routes): `engineHandoff` (the table's stream: messages entering `scheduled` to
 * SQS or their minute bucket), `engineWake` (a minute bucket's Scheduler wake-up), `engineDeliver` (the delivery queue's
 * consumer), `engineSweep` (every minute: schedule runs and overdue messages), `meteringAggregate` (the table's stream),
 * and the sign-up route's Cognito `authorizer`, each with its own least-privilege role (infra/iam.ts).
 *
 * The stream has two consumers, the most DynamoDB Streams allows per shard: metering and the hand-off. They stay apart
 * because they want opposite things: metering counts best in big, slow batches (1,000 records, 5 s window) and may give a
 * poisoned batch up after 10 tries (a count is lost); the hand-off must be quick (no window: a message due now waits for
 * it) and may never give up (a message would be lost). A third reader must join one of them.
 */
import { deliverBatchSize, deliverReservedConcurrency } from '../libs/engine/eventbridge/limits';
import { functionRole, type Needs } from './iam';
import { Logical, roleLogicalId, service } from './names';

/** The deliver function's timeout: a batch of 10 deliveries in parallel, each at most the 60 s target timeout. */
export const deliverTimeoutSeconds = 90;

/** The wake function's name, and its ARN built from names (a `GetAtt` would make every function depend on it). */
export const wakeFunction = 'engineWake';
export const wakeFunctionArn = (stage: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${service}-${stage}-${wakeFunction}`,
});

/**
 * The metering stream's Lambda filters: only what metering counts, message inserts and messages leaving `delivering`
 * (usage), and messages entering or leaving `scheduled` (pending counts) — never its own usage rows or counters.
 */
export const meteringFilterPatterns = [
  { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: ['MSG'] } } } },
  { eventName: ['MODIFY'], dynamodb: { Keys: { SK: { S: ['MSG'] } }, OldImage: { status: { S: ['delivering', 'scheduled'] } } } },
  { eventName: ['MODIFY'], dynamodb: { Keys: { SK: { S: ['MSG'] } }, NewImage: { status: { S: ['scheduled'] } } } },
  { eventName: ['REMOVE'], dynamodb: { Keys: { SK: { S: ['MSG'] } }, OldImage: { status: { S: ['scheduled'] } } } },
];

/**
 * The hand-off's Lambda filters: message items whose new image is `scheduled` with a `dueAt`, inserted, or moved from
 * another status (a retry or an unclaim from `delivering`, a redrive from `failed` or `aborted`), or released from hold
 * (`scheduled` without `dueAt` before). Exactly the records `dueRefOf` (libs/store/dynamodb/stream.ts) hands over.
 */
export const handoffFilterPatterns = [
  ['INSERT', {}],
  ['MODIFY', { OldImage: { status: { S: ['delivering', 'failed', 'aborted'] } } }],
  ['MODIFY', { OldImage: { status: { S: ['scheduled'] }, dueAt: { N: [{ exists: false }] } } }],
].map(([eventName, old]) => ({
  eventName: [eventName],
  dynamodb: {
    Keys: { SK: { S: ['MSG'] } },
    NewImage: { status: { S: ['scheduled'] }, dueAt: { N: [{ exists: true }] } },
    ...(old as object),
  },
}));

/**
 * @default stream records per hand-off invocation: at most 10 SendMessageBatch calls, under a second, so a busy shard
 * costs one invocation per 100 messages; a quiet one, one per record that arrives alone (no window to wait for more).
 */
export const handoffBatchSize = 100;

const none: Needs = { table: 'none', gatewayKeys: false };

/** What the operator allows the engine to reach, read at package time. */
export interface EngineOptions {
  /** Accounts targets may name even when they are the deployment's own (`PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST`). @default none */
  targetAccounts?: readonly string[];
}

export const engineFunctions = (stage: string, options: EngineOptions = {}) => {
  const defs: Record<string, { needs: Needs; fn: Record<string, unknown> }> = {
    engineHandoff: {
      // The stream in; the delivery queue and the schedule group out; where given-up batches are described.
      needs: { ...none, enqueue: true, readStream: true, streamFailures: Logical.handoffDlq },
      fn: {
        handler: 'functions/engine/handoff/handler.handler',
        timeout: 30,
        memorySize: 256,
        events: [
          {
            stream: {
              type: 'dynamodb',
              arn: { 'Fn::GetAtt': [Logical.table, 'StreamArn'] },
              // From the oldest record kept: a first deploy onto a table in use hands over the last 24 h again (a second
              // deliver record finds nothing to claim) rather than miss a message.
              startingPosition: 'TRIM_HORIZON',
              batchSize: handoffBatchSize,
              // No batching window: a message due now is handed over at the stream's next poll (4 a second per shard).
              batchWindow: 0,
              functionResponseType: 'ReportBatchItemFailures',
              bisectBatchOnFunctionError: true,
              // Until the engine takes it: retried for as long as the stream keeps the record (24 h), then described in the
              // dead-letter queue (alarmed). A hand-off that keeps failing shows first in the iterator-age alarm.
              maximumRetryAttempts: -1,
              maximumRecordAgeInSeconds: -1,
              destinations: { onFailure: { arn: { 'Fn::GetAtt': [Logical.handoffDlq, 'Arn'] }, type: 'sqs' } },
              filterPatterns: handoffFilterPatterns,
            },
          },
        ],
      },
    },
    [wakeFunction]: {
      needs: { ...none, table: 'read', sendToQueue: true },
      fn: { handler: 'functions/engine/wake/handler.handler', timeout: 60, memorySize: 256 },
    },
    engineDeliver: {
      // Write: claim, record attempts (a retry reaches the queue through the stream); send: a record that came early goes
      // back to the queue; open apps' secrets; send to targets.
      needs: {
        ...none,
        table: 'write',
        sendToQueue: true,
        consumeQueue: true,
        secrets: 'open',
        targets: { allowedAccounts: options.targetAccounts ?? [] },
      },
      fn: {
        handler: 'functions/engine/deliver/handler.handler',
        timeout: deliverTimeoutSeconds,
        // Hanging targets hold at most these invocations, never the concurrency the API functions share;
        // the engine derives its per-tenant delivery slots from the same numbers (libs/engine/eventbridge/limits.ts).
        reservedConcurrency: deliverReservedConcurrency,
        events: [
          {
            sqs: {
              arn: { 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] },
              batchSize: deliverBatchSize,
              // No batching window: a deliver record that becomes visible at its second is delivered in that second.
              maximumBatchingWindow: 0,
              functionResponseType: 'ReportBatchItemFailures',
            },
          },
        ],
      },
    },
    engineSweep: {
      // Write: schedule runs (handed over by the stream); send: overdue messages back to the queue.
      needs: { ...none, table: 'write', sendToQueue: true },
      fn: { handler: 'functions/engine/sweep/handler.handler', timeout: 60, events: [{ schedule: { rate: ['rate(1 minute)'] } }] },
    },
    // Verifies Cognito ID tokens (JWKS over HTTPS): no AWS permission beyond its logs.
    authorizer: { needs: none, fn: { handler: 'functions/authorizer/handler.handler', timeout: 10, memorySize: 256 } },
    meteringAggregate: {
      needs: { ...none, table: 'counters', readStream: true },
      fn: {
        handler: 'functions/metering/aggregate/handler.handler',
        timeout: 30,
        events: [
          {
            stream: {
              type: 'dynamodb',
              arn: { 'Fn::GetAtt': [Logical.table, 'StreamArn'] },
              startingPosition: 'TRIM_HORIZON',
              batchSize: 1000,
              batchWindow: 5,
              functionResponseType: 'ReportBatchItemFailures',
              bisectBatchOnFunctionError: true,
              maximumRetryAttempts: 10,
              filterPatterns: meteringFilterPatterns,
            },
          },
        ],
      },
    },
  };
  const functions: Record<string, unknown> = {};
  const roles: Record<string, unknown> = {};
  for (const [name, { needs, fn }] of Object.entries(defs)) {
    roles[roleLogicalId(name)] = functionRole(name, stage, needs);
    functions[name] = { ...fn, role: roleLogicalId(name) };
  }
  return { functions, roles };
};
