/**
 * The engine and metering functions (not routes): `engineWake` (a minute bucket's Scheduler wake-up),
 * `engineDeliver` (the delivery queue's consumer), `engineSweep` (every minute: schedule runs and overdue messages),
 * `meteringAggregate` (the table's stream), and the sign-up route's Cognito `authorizer`, each with its own
 * least-privilege role (infra/iam.ts).
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

const none: Needs = { table: 'none', enqueue: false, gatewayKeys: false };

/** What the operator allows the engine to reach, read at package time. */
export interface EngineOptions {
  /** Accounts targets may name even when they are the deployment's own (`PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST`). @default none */
  targetAccounts?: readonly string[];
}

export const engineFunctions = (stage: string, options: EngineOptions = {}) => {
  const defs: Record<string, { needs: Needs; fn: Record<string, unknown> }> = {
    [wakeFunction]: {
      needs: { ...none, table: 'read', sendToQueue: true },
      fn: { handler: 'functions/engine/wake/handler.handler', timeout: 60, memorySize: 256 },
    },
    engineDeliver: {
      // Write: claim, record attempts; enqueue: retries (SQS delay, or a later bucket's schedule); open apps' secrets; send to targets.
      needs: {
        ...none,
        table: 'write',
        enqueue: true,
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
      needs: { ...none, table: 'write', enqueue: true },
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
