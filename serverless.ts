/**
 * The AWS stack (osls 4 + serverless-esbuild). Functions come from the route table (infra/functions.ts),
 * resources from infra/*.ts. `npm run package` synthesises it offline; never deploy from CI.
 */
import type { AWS } from '@serverless/typescript';
import { alarmResources } from './infra/alarms';
import { apiFunctions } from './infra/functions';
import { cognitoResources } from './infra/cognito';
import { docsFunctions } from './infra/docs';
import { wakeFunctionArn, engineFunctions } from './infra/engine';
import { gatewayResponses } from './infra/gateway-responses';
import { Logical, service, stackName } from './infra/names';
import { ingestFunction, ingestResources } from './infra/ingest';
import { queueResources } from './infra/queue';
import { schedulerResources } from './infra/scheduler';
import { secretsKeyResources } from './infra/secrets';
import { tableResource } from './infra/table';
import { methodThrottling } from './infra/throttling';
import { usagePlans } from './infra/usage-plans';
import { loadPlans } from './libs/plans/catalogue';

/** Resolved by osls after loading, so names follow `--stage`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, resolved by osls, not a JS template
const stage = '${sls:stage}';
/** The same catalogue the Lambdas read (`PUNCTUAL_PLANS`), merged from `PUNCTUAL_PLANS_FILE` at package time. */
const plans = loadPlans(process.env.PUNCTUAL_PLANS_FILE);
const api = apiFunctions(stage, Object.keys(plans));
const ingest = ingestFunction(stage, Object.keys(plans));
/**
 * Read at package time, like the plans: the sender of email targets that name none (a verified SES identity), and the
 * accounts targets may name even when they are the deployment's own (they also shape the deliver function's IAM).
 */
const emailFrom = process.env.PUNCTUAL_EMAIL_FROM ?? '';
const targetAccounts = (process.env.PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const engine = engineFunctions(stage, { targetAccounts });
const docs = docsFunctions(stage);
/**
 * The SNS topic the alarms notify, per stage: `PUNCTUAL_ALARM_TOPIC_ARN` when packaging or deploying it (optional;
 * without it the alarms only show in the CloudWatch console).
 */
const alarmTopicArn = process.env.PUNCTUAL_ALARM_TOPIC_ARN || undefined;

const config: AWS = {
  service,
  frameworkVersion: '4',
  plugins: ['serverless-esbuild', './infra/method-throttling.cjs'],
  provider: {
    name: 'aws',
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, resolved by osls, not a JS template
    stage: '${opt:stage, "dev"}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, resolved by osls, not a JS template
    region: '${opt:region, "us-east-1"}' as AWS['provider']['region'],
    memorySize: 512,
    // API Gateway gives up after 29 s.
    timeout: 28,
    logRetentionInDays: 30,
    apiGateway: {
      apiKeySourceType: 'HEADER',
      usagePlan: usagePlans(plans) as never,
      minimumCompressionSize: 1024,
    },
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      PUNCTUAL_TABLE_NAME: { Ref: Logical.table } as never,
      PUNCTUAL_DELIVERY_QUEUE_URL: { Ref: Logical.deliveryQueue } as never,
      PUNCTUAL_DELIVERY_DLQ_ARN: { 'Fn::GetAtt': [Logical.deliveryDlq, 'Arn'] } as never,
      PUNCTUAL_WAKE_FUNCTION_ARN: wakeFunctionArn(stage) as never,
      PUNCTUAL_SCHEDULE_GROUP: { Ref: Logical.scheduleGroup } as never,
      PUNCTUAL_SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [Logical.schedulerRole, 'Arn'] } as never,
      PUNCTUAL_USER_POOL_ID: { Ref: Logical.userPool } as never,
      PUNCTUAL_USER_POOL_CLIENT_ID: { Ref: Logical.userPoolClient } as never,
      PUNCTUAL_STACK: stackName(stage),
      PUNCTUAL_USAGE_PLAN_PREFIX: `${service}-`,
      PUNCTUAL_USAGE_PLAN_SUFFIX: `-${stage}`,
      PUNCTUAL_PLANS: JSON.stringify(plans),
      PUNCTUAL_SECRETS_KMS_KEY_ID: { 'Fn::GetAtt': [Logical.secretsKey, 'Arn'] } as never,
      PUNCTUAL_EMAIL_FROM: emailFrom,
      PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST: targetAccounts.join(','),
    },
  },
  package: { individually: true },
  custom: {
    // Per-method throttles of the routes without an API key (infra/throttling.ts), put on the stage by the plugin.
    methodThrottling: methodThrottling(),
    esbuild: {
      bundle: true,
      minify: true,
      sourcemap: 'linked',
      keepNames: true,
      target: 'node20',
      platform: 'node',
      format: 'cjs',
      // Bundle the v3 SDK too: a pinned, tested version rather than whatever the runtime ships.
      exclude: [],
      concurrency: 8,
      // Leaves .esbuild/.build (git-ignored) for the stack test to load a bundle as Lambda would.
      keepOutputDirectory: true,
      // Registers the AWS composition root in every bundle, so the handlers stay runtime-agnostic.
      inject: ['libs/runtime/aws-lambda.ts'],
    },
  },
  functions: { ...api.functions, ...engine.functions, ...ingest.functions, ...docs.functions } as AWS['functions'],
  resources: {
    Resources: {
      [Logical.table]: { ...tableResource(`${service}-${stage}`), DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },
      ...queueResources(stage),
      ...ingestResources(stage),
      ...schedulerResources(stage),
      ...cognitoResources(stage),
      ...secretsKeyResources(stage),
      ...api.roles,
      ...engine.roles,
      ...ingest.roles,
      ...docs.roles,
      ...gatewayResponses(),
      ...alarmResources({
        stage,
        engineFunctions: [...Object.keys(engine.functions).filter((name) => name !== 'authorizer'), ...Object.keys(ingest.functions)],
        deadLetterQueues: [Logical.deliveryDlq, Logical.ingestDlq, Logical.handoffDlq],
        streamFunctions: ['engineHandoff'],
        ...(alarmTopicArn ? { topicArn: alarmTopicArn } : {}),
      }),
    } as never,
    Outputs: {
      UserPoolId: { Value: { Ref: Logical.userPool } },
      UserPoolClientId: { Value: { Ref: Logical.userPoolClient } },
      TableName: { Value: { Ref: Logical.table } },
      IngestTopicArn: { Value: { Ref: Logical.ingestTopic } },
    },
  },
};

module.exports = config;
