/**
 * CloudFormation logical ids and names shared by serverless.ts, infra/*.ts and the stack test.
 * One place, so a rename cannot leave a dangling `Ref`.
 */

/** The serverless service name (also the prefix of function, usage-plan and table names). */
export const service = 'punctual';

/** Logical ids of the resources declared in infra/*.ts. */
export const Logical = {
  table: 'PunctualTable',
  deliveryQueue: 'DeliveryQueue',
  deliveryDlq: 'DeliveryDeadLetterQueue',
  handoffDlq: 'HandoffDeadLetterQueue',
  scheduleGroup: 'WakeUpScheduleGroup',
  schedulerRole: 'SchedulerExecutionRole',
  userPool: 'OperatorUserPool',
  userPoolClient: 'OperatorUserPoolClient',
  dashboard: 'OperationsDashboard',
  secretsKey: 'AppSecretsKey',
  secretsKeyAlias: 'AppSecretsKeyAlias',
  ingestTopic: 'IngestTopic',
  ingestQueue: 'IngestQueue',
  ingestDlq: 'IngestDeadLetterQueue',
  ingestQueuePolicy: 'IngestQueuePolicy',
  ingestSubscription: 'IngestSubscription',
} as const;

/** The stack's name, `<service>-<stage>` (osls's CloudFormation stack name, and `PUNCTUAL_STACK`). */
export const stackName = (stage: string): string => `${service}-${stage}`;

/** The deployed name of a function (osls: `<service>-<stage>-<name>`). */
export const deployedFunctionName = (name: string, stage: string): string => `${stackName(stage)}-${name}`;

/** The REST API's name (osls: `<stage>-<service>`), a dimension of API Gateway's metrics. */
export const restApiName = (stage: string): string => `${stage}-${service}`;

/** `api/keys/create` → `keysCreate`: the serverless function name of a handler directory. */
export const functionName = (fn: string): string =>
  fn
    .replace(/^api\//, '')
    .split(/[/-]/)
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');

/** The logical id of a function's own IAM role. */
export const roleLogicalId = (name: string): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}Role`;

/** The logical id of a function's API Gateway policy (infra/iam.ts `functionIam`). */
export const policyLogicalId = (name: string): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}ApiGatewayPolicy`;

/** The logical id osls gives a catalogue plan's usage plan (`provider.apiGateway.usagePlan`). */
export const usagePlanLogicalId = (plan: string): string => `ApiGatewayUsagePlan${plan.charAt(0).toUpperCase()}${plan.slice(1)}`;

/**
 * API Gateway usage plan name of a catalogue plan (osls names them `<service>-<plan>-<stage>`); the AWS
 * runtime finds the plan's id by this name because a Lambda cannot `Ref` a usage plan (circular dependency).
 */
export const usagePlanName = (plan: string, stage: string): string => `${service}-${plan}-${stage}`;
