/**
 * Per-function IAM roles, least privilege: named actions on named resources only (no `*` on data
 * services). osls 4 has no per-function IAM statements, so each function gets its own role.
 */
import { stackTagKey } from '../libs/apigateway/keys';
import { tableDefinition } from './table';
import { Logical, policyLogicalId, roleLogicalId, service, stackName, usagePlanLogicalId } from './names';

/** What a function may touch. */
export interface Needs {
  /** DynamoDB access to the table and its indexes; `counters`: UpdateItem on the table only (the metering aggregator). */
  table: 'none' | 'read' | 'write' | 'counters';
  /** Enqueues messages: sends to the delivery queue and books minute-bucket wake-ups in the schedule group. */
  enqueue?: boolean;
  /** Creates API Gateway keys in the stack's usage plans, and deletes them (tagged as the stack's only). */
  gatewayKeys: boolean;
  /** Sends to the delivery queue only (the wake function). */
  sendToQueue?: boolean;
  /** Consumes the delivery queue (its SQS event source). */
  consumeQueue?: boolean;
  /** Consumes the ingest queue (its SQS event source) and sends refused messages to its dead-letter queue. */
  consumeIngest?: boolean;
  /** Reads the table's stream (its event source). */
  readStream?: boolean;
  /** Where its stream event source describes the batches it gave up on (a queue's logical id): it may send there. */
  streamFailures?: string;
  /** Reads API Gateway usage of the tenant's keys (request counts of GET /v1/usage). */
  gatewayUsage?: boolean;
  /** Apps' secrets: `seal` makes KMS data keys (routes that store a secret), `open` unwraps them (the deliver function). */
  secrets?: 'seal' | 'open';
  /**
   * Sends to tenants' targets: their SQS queues, SNS topics and EventBridge buses in other accounts (and in the accounts
   * of `targetAccounts`), and email through SES identities of this account.
   */
  targets?: { allowedAccounts: readonly string[] };
}

/** Reads only: a GET function writes nothing (its key's `lastUsedAt` touch is off there, `PUNCTUAL_READ_ONLY`). */
export const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const writeActions = [...readActions, 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'];

const sub = (s: string) => ({ 'Fn::Sub': s });
const tableArn = { 'Fn::GetAtt': [Logical.table, 'Arn'] };
const queueArn = { 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] };
const indexArns = tableDefinition.GlobalSecondaryIndexes.map((i) => sub(`\${${Logical.table}.Arn}/index/${i.IndexName}`));
const apigw = (path: string) => sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}::${path}`);

/** What every data key of the apps' secrets is bound to (libs/secrets/kms.ts): the key serves this purpose only. */
const secretsContext = { StringEquals: { 'kms:EncryptionContext:purpose': 'punctual-app-secrets' } };
const otherAccounts = { StringNotEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } };

/**
 * Tenants' targets: any queue, topic or bus of another account (the tenant's resource policy is the other half of
 * the grant), never one of ours unless the operator allowlisted the account; email from this account's SES identities.
 */
const targetStatements = (allowedAccounts: readonly string[]) => {
  const sends = [
    ['sqs:SendMessage', 'sqs'],
    ['sns:Publish', 'sns'],
    ['events:PutEvents', 'events'],
  ] as const;
  return [
    ...sends.map(([action, svc]) => ({
      Effect: 'Allow' as const,
      Action: [action],
      Resource: [sub(`arn:\${AWS::Partition}:${svc}:*:*:*`)],
      Condition: otherAccounts,
    })),
    ...(allowedAccounts.length
      ? [
          {
            Effect: 'Allow' as const,
            Action: sends.map(([action]) => action),
            Resource: allowedAccounts.flatMap((account) => sends.map(([, svc]) => sub(`arn:\${AWS::Partition}:${svc}:*:${account}:*`))),
          },
        ]
      : []),
    {
      Effect: 'Allow' as const,
      Action: ['ses:SendEmail'],
      Resource: [sub(`arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:identity/*`)],
    },
  ];
};

/** The statements of a function's policy. */
export const statements = (name: string, stage: string, needs: Needs) => {
  const list: { Effect: 'Allow'; Action: string[]; Resource: unknown[]; Condition?: unknown }[] = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${name}:*`)],
    },
  ];
  if (needs.table === 'counters') list.push({ Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: [tableArn] });
  else if (needs.table !== 'none')
    list.push({ Effect: 'Allow', Action: needs.table === 'read' ? readActions : writeActions, Resource: [tableArn, ...indexArns] });
  if (needs.sendToQueue && !needs.enqueue) list.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queueArn] });
  if (needs.consumeQueue) {
    list.push({
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: [queueArn],
    });
  }
  if (needs.consumeIngest) {
    list.push(
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        Resource: [{ 'Fn::GetAtt': [Logical.ingestQueue, 'Arn'] }],
      },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [Logical.ingestDlq, 'Arn'] }] },
    );
  }
  if (needs.readStream) {
    list.push(
      {
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: [{ 'Fn::GetAtt': [Logical.table, 'StreamArn'] }],
      },
      { Effect: 'Allow', Action: ['dynamodb:ListStreams'], Resource: [sub(`\${${Logical.table}.Arn}/stream/*`)] },
    );
  }
  if (needs.streamFailures)
    list.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [needs.streamFailures, 'Arn'] }] });
  if (needs.enqueue) {
    list.push(
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queueArn] },
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule'],
        Resource: [sub(`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/\${${Logical.scheduleGroup}}/*`)],
      },
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: [{ 'Fn::GetAtt': [Logical.schedulerRole, 'Arn'] }] },
    );
  }
  if (needs.secrets) {
    list.push({
      Effect: 'Allow',
      Action: [needs.secrets === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt'],
      Resource: [{ 'Fn::GetAtt': [Logical.secretsKey, 'Arn'] }],
      Condition: secretsContext,
    });
  }
  if (needs.targets) list.push(...targetStatements(needs.targets.allowedAccounts));
  return list;
};

/**
 * The API Gateway statements of a function: usage reads and key management on the stack's usage plans only (named
 * by `Ref`), creating keys only with the stack's tag and deleting only keys that carry it, and no listing of the
 * region's API keys (which could read every key value of the account, `includeValues`).
 */
export const gatewayStatements = (stage: string, needs: Needs, plans: string[]) => {
  const usagePlans = (suffix: string) =>
    plans.map((plan) => sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/usageplans/\${${usagePlanLogicalId(plan)}}${suffix}`));
  const tagged = (key: 'aws:RequestTag' | 'aws:ResourceTag') => ({ StringEquals: { [`${key}/${stackTagKey}`]: stackName(stage) } });
  const list: { Effect: 'Allow'; Action: string[]; Resource: unknown[]; Condition?: unknown }[] = [];
  // Usage plan names and throttles (no key values): how a plan's usage plan id is found by name.
  if (needs.gatewayKeys || needs.gatewayUsage) list.push({ Effect: 'Allow', Action: ['apigateway:GET'], Resource: [apigw('/usageplans')] });
  if (needs.gatewayUsage) list.push({ Effect: 'Allow', Action: ['apigateway:GET'], Resource: usagePlans('/usage') });
  if (needs.gatewayKeys) {
    list.push(
      {
        Effect: 'Allow',
        Action: ['apigateway:POST'],
        Resource: [apigw('/apikeys')],
        Condition: { ...tagged('aws:RequestTag'), 'ForAllValues:StringEquals': { 'aws:TagKeys': [stackTagKey] } },
      },
      { Effect: 'Allow', Action: ['apigateway:POST'], Resource: usagePlans('/keys') },
      { Effect: 'Allow', Action: ['apigateway:DELETE'], Resource: [apigw('/apikeys/*')], Condition: tagged('aws:ResourceTag') },
    );
  }
  return list;
};

/**
 * A function's own role (CloudFormation `AWS::IAM::Role`) and, when it touches API Gateway, a policy of its own on
 * that role: the policy names the usage plans, which depend on the API's deployment, which depends on the functions;
 * in the role itself that would be a dependency cycle, a separate policy is created after them.
 */
export const functionIam = (name: string, stage: string, needs: Needs, plans: string[] = []): Record<string, unknown> => {
  const gateway = gatewayStatements(stage, needs, plans);
  return {
    [roleLogicalId(name)]: functionRole(name, stage, needs),
    ...(gateway.length
      ? {
          [policyLogicalId(name)]: {
            Type: 'AWS::IAM::Policy',
            Properties: {
              PolicyName: `${name}-api-gateway`,
              Roles: [{ Ref: roleLogicalId(name) }],
              PolicyDocument: { Version: '2012-10-17', Statement: gateway },
            },
          },
        }
      : {}),
  };
};

/** A function's own role (CloudFormation `AWS::IAM::Role`). */
export const functionRole = (name: string, stage: string, needs: Needs) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    Policies: [
      { PolicyName: `${name}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statements(name, stage, needs) } },
    ],
  },
});
