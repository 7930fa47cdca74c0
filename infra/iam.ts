/**
 * Per-function IAM roles, least privilege: named actions on named resources only (no `*` on data
 * services). osls 4 has no per-function IAM statements, so each function gets its own role.
 */
import { tableDefinition } from './table';
import { Logical, service } from './names';

/** What a function may touch. */
export interface Needs {
  /** DynamoDB access to the table and its indexes; `counters`: UpdateItem on the table only (the metering aggregator). */
  table: 'none' | 'read' | 'write' | 'counters';
  /** Enqueues messages: sends to the delivery queue and books minute-bucket wake-ups in the schedule group. */
  enqueue: boolean;
  /** Creates, disables and (un)assigns API Gateway keys. */
  gatewayKeys: boolean;
  /** Sends to the delivery queue only (the wake function). */
  sendToQueue?: boolean;
  /** Consumes the delivery queue (its SQS event source). */
  consumeQueue?: boolean;
  /** Reads the table's stream (its event source). */
  readStream?: boolean;
  /** Reads API Gateway usage of the tenant's keys (request counts of GET /v1/usage). */
  gatewayUsage?: boolean;
}

/** Reads; UpdateItem is there because every authenticated call may touch its key's `lastUsedAt`. */
export const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
export const writeActions = [...readActions, 'dynamodb:PutItem', 'dynamodb:DeleteItem'];

const sub = (s: string) => ({ 'Fn::Sub': s });
const tableArn = { 'Fn::GetAtt': [Logical.table, 'Arn'] };
const queueArn = { 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] };
const indexArns = tableDefinition.GlobalSecondaryIndexes.map((i) => sub(`\${${Logical.table}.Arn}/index/${i.IndexName}`));
const apigw = (path: string) => sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}::${path}`);

/** The statements of a function's policy. */
export const statements = (name: string, stage: string, needs: Needs) => {
  const list: { Effect: 'Allow'; Action: string[]; Resource: unknown[] }[] = [
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
  if (needs.gatewayUsage) {
    list.push({
      Effect: 'Allow',
      Action: ['apigateway:GET'],
      Resource: [apigw('/apikeys'), apigw('/usageplans'), apigw('/usageplans/*/usage')],
    });
  }
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
  if (needs.gatewayKeys) {
    list.push(
      { Effect: 'Allow', Action: ['apigateway:GET'], Resource: [apigw('/usageplans'), apigw('/apikeys')] },
      { Effect: 'Allow', Action: ['apigateway:POST'], Resource: [apigw('/apikeys'), apigw('/usageplans/*/keys')] },
      { Effect: 'Allow', Action: ['apigateway:PATCH'], Resource: [apigw('/apikeys/*')] },
      { Effect: 'Allow', Action: ['apigateway:DELETE'], Resource: [apigw('/usageplans/*/keys/*')] },
    );
  }
  return list;
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
