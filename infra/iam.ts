/**
 * Per-function IAM roles, least privilege: named actions on named resources only (no `*` on data
 * services). osls 4 has no per-function IAM statements, so each function gets its own role.
 */
import { tableDefinition } from './table';
import { Logical, service } from './names';

/** What a function may touch. */
export interface Needs {
  /** DynamoDB access to the table and its indexes. */
  table: 'none' | 'read' | 'write';
  /** Sends to the release queue and creates minute-bucket schedules in the group. */
  enqueue: boolean;
  /** Creates, disables and (un)assigns API Gateway keys. */
  gatewayKeys: boolean;
}

/** Reads; UpdateItem is there because every authenticated call may touch its key's `lastUsedAt`. */
export const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
export const writeActions = [...readActions, 'dynamodb:PutItem', 'dynamodb:DeleteItem'];

const sub = (s: string) => ({ 'Fn::Sub': s });
const tableArn = { 'Fn::GetAtt': [Logical.table, 'Arn'] };
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
  if (needs.table !== 'none') list.push({ Effect: 'Allow', Action: needs.table === 'read' ? readActions : writeActions, Resource: [tableArn, ...indexArns] });
  if (needs.enqueue) {
    list.push(
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [Logical.releaseQueue, 'Arn'] }] },
      { Effect: 'Allow', Action: ['scheduler:CreateSchedule'], Resource: [sub(`arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/\${${Logical.scheduleGroup}}/*`)] },
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
    Policies: [{ PolicyName: `${name}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statements(name, stage, needs) } }],
  },
});
