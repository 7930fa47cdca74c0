/**
 * Synthesises the stack with `sls package` (offline, no credentials) and asserts its CloudFormation:
 * resources, per-function least-privilege IAM, the DLQ redrive, the stream, usage plans, private routes.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageStack, repoRoot } from '../test/support/aws-stack';
import { routes } from '../libs/http/routes';
import { deliverBatchSize, deliverReservedConcurrency } from '../libs/engine/eventbridge/limits';
import { defaultPlans } from '../libs/plans/catalogue';
import { handoffBatchSize, handoffFilterPatterns } from './engine';
import { Logical, functionName, policyLogicalId, roleLogicalId } from './names';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON that each assertion navigates its own way
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: unknown };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const root = repoRoot;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const policyStatements = (role: Resource): Statement[] =>
  (role.Properties.Policies ?? []).flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement);
/** Every statement a function's role grants: its inline policy and the policies attached to it (the API Gateway one). */
const grantsOf = (name: string): Statement[] => [
  ...policyStatements(resources[roleLogicalId(name)]),
  ...ofType('AWS::IAM::Policy')
    .filter(([, p]) => json(p.Properties.Roles).includes(json({ Ref: roleLogicalId(name) })))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]),
];
const json = (x: unknown) => JSON.stringify(x);
/** The condition of the statements that reach tenants' targets: never a resource of this account. */
const otherAccountsOnly = { StringNotEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } };

beforeAll(async () => {
  const stack = await packageStack();
  resources = stack.template.Resources as Record<string, Resource>;
  // A figure for the CI log, never an assertion (DESIGN §9).
  if (stack.packageMs) console.info(`sls package took ${(stack.packageMs / 1000).toFixed(1)} s`);
}, 600_000);

describe('serverless stack', () => {
  describe('resources', () => {
    it('declares every expected resource type', () => {
      const types = new Set(Object.values(resources).map((r) => r.Type));
      for (const type of [
        'AWS::DynamoDB::Table',
        'AWS::SQS::Queue',
        'AWS::Scheduler::ScheduleGroup',
        'AWS::IAM::Role',
        'AWS::Cognito::UserPool',
        'AWS::Cognito::UserPoolClient',
        'AWS::ApiGateway::RestApi',
        'AWS::ApiGateway::Method',
        'AWS::ApiGateway::UsagePlan',
        'AWS::Lambda::Function',
      ]) {
        expect(types).toContain(type);
      }
    });

    it('builds one function per route', () => {
      const names = ofType('AWS::Lambda::Function').map(([id]) => id);
      for (const r of routes)
        expect(names).toContain(`${functionName(r.fn).charAt(0).toUpperCase()}${functionName(r.fn).slice(1)}LambdaFunction`);
    });

    it('gives the table PK/SK, the sparse due index, TTL and a NEW_AND_OLD_IMAGES stream', () => {
      const table = resources[Logical.table].Properties;
      expect(table.KeySchema).toEqual([
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ]);
      expect(table.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toContain('due');
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
      expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    });

    it('redrives the delivery queue to its dead-letter queue', () => {
      const policy = resources[Logical.deliveryQueue].Properties.RedrivePolicy;
      expect(policy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [Logical.deliveryDlq, 'Arn'] });
      expect(policy.maxReceiveCount).toBeGreaterThan(0);
      expect(resources[Logical.deliveryDlq].Type).toBe('AWS::SQS::Queue');
    });

    it('subscribes the ingest queue to the ingest topic (raw delivery), redrives it to its DLQ and feeds the ingest function', () => {
      expect(resources[Logical.ingestTopic].Type).toBe('AWS::SNS::Topic');
      expect(resources[Logical.ingestSubscription].Properties).toEqual({
        TopicArn: { Ref: Logical.ingestTopic },
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': [Logical.ingestQueue, 'Arn'] },
        RawMessageDelivery: true,
      });
      const queue = resources[Logical.ingestQueue].Properties;
      expect(queue.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [Logical.ingestDlq, 'Arn'] });
      // Only the topic may send to the queue.
      const [statement] = resources[Logical.ingestQueuePolicy].Properties.PolicyDocument.Statement;
      expect(statement).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' });
      expect(statement.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': { Ref: Logical.ingestTopic } } });
      // The queue stays invisible long enough for the function to finish a batch and report its failures.
      const fn = resources.IngestLambdaFunction.Properties;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(fn.Timeout);
      const [mapping] = ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => json(m.Properties.EventSourceArn) === json({ 'Fn::GetAtt': [Logical.ingestQueue, 'Arn'] }),
      );
      expect(mapping[1].Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
      expect(json(mapping[1].Properties.FunctionName)).toContain('IngestLambdaFunction');
    });

    it('lets the scheduler role only invoke the wake function and dead-letter to the DLQ', () => {
      const role = resources[Logical.schedulerRole];
      expect(json(role.Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
      expect(policyStatements(role)).toEqual([
        {
          Effect: 'Allow',
          Action: ['lambda:InvokeFunction'],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not a JS template
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:punctual-ci-engineWake' }],
        },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [Logical.deliveryDlq, 'Arn'] }] },
      ]);
      // The ARN the runtime gives Scheduler is the function that exists.
      expect(resources.EngineWakeLambdaFunction.Properties.FunctionName).toBe('punctual-ci-engineWake');
    });
  });

  describe('engine and metering functions', () => {
    const mapping = (fn: string) =>
      ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => json(m.Properties.FunctionName).includes(`${fn}LambdaFunction`))?.[1]
        .Properties;

    it('consumes the delivery queue with partial batch failures, within its visibility timeout', () => {
      const m = mapping('EngineDeliver')!;
      expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] });
      expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(m.BatchSize).toBe(10);
      const timeout = resources.EngineDeliverLambdaFunction.Properties.Timeout;
      expect(resources[Logical.deliveryQueue].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    });

    it('reserves the deliver function the concurrency its per-tenant slots are derived from', () => {
      expect(resources.EngineDeliverLambdaFunction.Properties.ReservedConcurrentExecutions).toBe(deliverReservedConcurrency);
      expect(mapping('EngineDeliver')!.BatchSize).toBe(deliverBatchSize);
    });

    it('sweeps every minute, and aggregates usage from the table stream', () => {
      const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
      expect(rules.some((r) => r.ScheduleExpression === 'rate(1 minute)' && json(r.Targets).includes('EngineSweepLambdaFunction'))).toBe(
        true,
      );
      const m = mapping('MeteringAggregate')!;
      expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [Logical.table, 'StreamArn'] });
      expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    });

    it('gives the engine functions only their own queue, table and stream', () => {
      const actions = (name: string) => policyStatements(resources[roleLogicalId(name)]).flatMap((s) => asArray(s.Action));
      expect(actions('engineWake')).toEqual(expect.arrayContaining(['sqs:SendMessage', 'dynamodb:Query']));
      expect(actions('engineWake')).not.toContain('dynamodb:PutItem');
      expect(actions('engineWake')).not.toContain('scheduler:CreateSchedule');
      expect(actions('engineDeliver')).toEqual(
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'dynamodb:UpdateItem', 'sqs:SendMessage']),
      );
      // Only the hand-off books wake-ups: retries and chained messages reach it through the stream.
      for (const name of ['engineWake', 'engineDeliver', 'engineSweep', 'meteringAggregate'])
        expect(actions(name)).not.toContain('scheduler:CreateSchedule');
      expect(
        actions('engineHandoff')
          .filter((a) => !a.startsWith('logs:'))
          .sort(),
      ).toEqual(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'sqs:SendMessage',
          'sqs:SendMessage',
          'scheduler:CreateSchedule',
          'iam:PassRole',
        ].sort(),
      );
      const handoffSends = policyStatements(resources[roleLogicalId('engineHandoff')]).filter((st) =>
        asArray(st.Action).includes('sqs:SendMessage'),
      );
      expect(handoffSends.map((st) => json(st.Resource)).sort()).toEqual(
        [json([{ 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] }]), json([{ 'Fn::GetAtt': [Logical.handoffDlq, 'Arn'] }])].sort(),
      );
      expect(
        actions('meteringAggregate')
          .filter((a) => !a.startsWith('logs:'))
          .sort(),
      ).toEqual(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'dynamodb:UpdateItem',
        ].sort(),
      );
      for (const name of ['engineWake', 'engineDeliver', 'engineSweep', 'meteringAggregate']) {
        for (const st of policyStatements(resources[roleLogicalId(name)])) {
          // Tenants' SQS targets are the one exception, and only in other accounts (asserted in 'targets and secrets').
          if (name === 'engineDeliver' && json(st.Condition) === json(otherAccountsOnly)) continue;
          if (asArray(st.Action).some((a) => a.startsWith('sqs:')))
            expect(json(st.Resource)).toBe(json([{ 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] }]));
        }
      }
    });
  });

  describe('the hand-off from the table stream', () => {
    const mapping = () =>
      ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
        json(m.Properties.FunctionName).includes('EngineHandoffLambdaFunction'),
      )?.[1].Properties;

    it('reads the table stream with the filters, batch and no window, retrying until it succeeds, bisecting, with a DLQ', () => {
      const m = mapping()!;
      expect(m).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [Logical.table, 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: handoffBatchSize,
        MaximumBatchingWindowInSeconds: 0,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: -1,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Logical.handoffDlq, 'Arn'] } } },
      });
      expect(m.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual(handoffFilterPatterns);
      expect(resources[Logical.handoffDlq].Type).toBe('AWS::SQS::Queue');
    });

    it('is one of the two stream consumers DynamoDB Streams allows per shard', () => {
      const onStream = ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => json(m.Properties.EventSourceArn) === json({ 'Fn::GetAtt': [Logical.table, 'StreamArn'] }),
      );
      expect(onStream).toHaveLength(2);
    });

    it('leaves the API and ingest functions no way to send to the engine: the stream does', () => {
      const deliveryQueue = json([{ 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] }]);
      const toEngine = (st: Statement) =>
        asArray(st.Action).includes('scheduler:CreateSchedule') ||
        (asArray(st.Action).includes('sqs:SendMessage') && json(st.Resource) === deliveryQueue);
      const apiRoles = routes.map((r) => roleLogicalId(functionName(r.fn)));
      const granted = [...apiRoles, roleLogicalId('ingest')].filter((role) => policyStatements(resources[role]).some(toEngine));
      expect(granted).toEqual([]);
    });
  });

  describe('targets and secrets', () => {
    const granting = (pattern: RegExp) =>
      Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role' && policyStatements(r).some((s) => asArray(s.Action).some((a) => pattern.test(a))))
        .map(([id]) => id)
        .sort();

    it("lets only the deliver function send to tenants' queues, topics and buses, and only in other accounts", () => {
      expect(granting(/^(sns:Publish|events:PutEvents|ses:SendEmail)$/)).toEqual([roleLogicalId('engineDeliver')]);
      const sends = policyStatements(resources[roleLogicalId('engineDeliver')]).filter((s) =>
        asArray(s.Action).some((a) => ['sqs:SendMessage', 'sns:Publish', 'events:PutEvents'].includes(a)),
      );
      const toTargets = sends.filter((s) => json(s.Resource) !== json([{ 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] }]));
      expect(toTargets.map((s) => asArray(s.Action)[0]).sort()).toEqual(['events:PutEvents', 'sns:Publish', 'sqs:SendMessage']);
      for (const s of toTargets) expect(s.Condition).toEqual(otherAccountsOnly);
      const ses = policyStatements(resources[roleLogicalId('engineDeliver')]).find((s) => asArray(s.Action).includes('ses:SendEmail'))!;
      expect(json(ses.Resource)).toContain(':identity/*');
    });

    it('keeps a rotating KMS key for the secrets: routes that store a secret seal, the deliver function opens, nothing else', () => {
      expect(resources[Logical.secretsKey]).toMatchObject({
        Type: 'AWS::KMS::Key',
        DeletionPolicy: 'Retain',
        Properties: { EnableKeyRotation: true },
      });
      const sealing = routes.filter((r) => r.sealsSecrets).map((r) => roleLogicalId(functionName(r.fn)));
      expect(sealing.sort()).toEqual(['AppsCreateRole', 'AppsRotateSecretRole', 'AppsUpdateRole']);
      expect(granting(/^kms:GenerateDataKey$/)).toEqual(sealing.sort());
      expect(granting(/^kms:Decrypt$/)).toEqual([roleLogicalId('engineDeliver')]);
      expect(granting(/^kms:/)).toEqual([...sealing, roleLogicalId('engineDeliver')].sort());
      for (const id of granting(/^kms:/)) {
        for (const s of policyStatements(resources[id]).filter((st) => asArray(st.Action).some((a) => a.startsWith('kms:')))) {
          expect(s.Resource).toEqual([{ 'Fn::GetAtt': [Logical.secretsKey, 'Arn'] }]);
          expect(s.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:purpose': 'punctual-app-secrets' } });
        }
      }
    });
  });

  describe('IAM', () => {
    const functions = () => ofType('AWS::Lambda::Function');

    it('gives every function its own role', () => {
      const roles = functions().map(([, f]) => json(f.Properties.Role));
      expect(new Set(roles).size).toBe(functions().length);
      for (const [, f] of functions()) {
        const role = (f.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        expect(resources[role]?.Type).toBe('AWS::IAM::Role');
      }
    });

    it('grants no wildcard action and no wildcard resource on DynamoDB, SQS or Scheduler', () => {
      for (const [id, role] of ofType('AWS::IAM::Role')) {
        for (const s of policyStatements(role)) {
          const actions = asArray(s.Action);
          for (const a of actions) expect(`${id}: ${a}`).not.toMatch(/(^\*$|:\*$)/);
          if (actions.some((a) => /^(dynamodb|sqs|scheduler):/.test(a))) {
            for (const r of asArray(s.Resource)) expect(`${id}: ${json(r)}`).not.toMatch(/^[^:]+: "\*"$/);
          }
        }
      }
    });

    it('scopes each function to its own table, queue and schedule group', () => {
      for (const r of routes) {
        const role = resources[roleLogicalId(functionName(r.fn))];
        for (const s of policyStatements(role)) {
          const actions = asArray(s.Action);
          const res = json(s.Resource);
          if (actions.some((a) => a.startsWith('dynamodb:'))) {
            expect(actions.every((a) => a.startsWith('dynamodb:'))).toBe(true);
            for (const x of asArray(s.Resource)) expect(json(x)).toContain(Logical.table);
            // A GET function writes nothing (not even its key's lastUsedAt: PUNCTUAL_READ_ONLY turns that off).
            if (r.method === 'GET')
              for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])
                expect(actions).not.toContain(write);
          }
          if (actions.some((a) => a.startsWith('sqs:'))) expect(res).toBe(json([{ 'Fn::GetAtt': [Logical.deliveryQueue, 'Arn'] }]));
          if (actions.some((a) => a.startsWith('scheduler:'))) expect(res).toContain(`schedule/\${${Logical.scheduleGroup}}/`);
          if (actions.some((a) => a.startsWith('logs:'))) expect(res).toContain(`/aws/lambda/punctual-ci-${functionName(r.fn)}:`);
        }
      }
    });

    it('gives the health function no data access at all', () => {
      const actions = policyStatements(resources[roleLogicalId('healthGet')]).flatMap((s) => asArray(s.Action));
      expect(actions.every((a) => a.startsWith('logs:'))).toBe(true);
    });

    it('lets only the functions that issue, revoke or move keys manage API Gateway keys, and only the usage read read their usage', () => {
      const granted = (pattern: RegExp) =>
        routes
          .filter((r) => grantsOf(functionName(r.fn)).some((s) => asArray(s.Action).some((a) => pattern.test(a))))
          .map((r) => r.fn)
          .sort();
      // Deleting an app revokes its data keys; a tenant's plan change moves its keys to another usage plan.
      const managing = ['api/apps/delete', 'api/keys/create', 'api/keys/revoke', 'api/tenants/create', 'api/tenants/update'];
      expect(granted(/^apigateway:(POST|PATCH|DELETE)$/)).toEqual(managing);
      expect(granted(/^apigateway:/)).toEqual([...managing, 'api/usage/get']);
    });

    it('scopes API Gateway key permissions to the stack: its usage plans, keys tagged as its own, no listing of key values', () => {
      const plans = Object.keys(defaultPlans).map((p) => `ApiGatewayUsagePlan${p.charAt(0).toUpperCase()}${p.slice(1)}`);
      const onPlans = (suffix: string) =>
        plans.map((id) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/usageplans/\${${id}}${suffix}` }));
      for (const fn of ['keysCreate', 'keysRevoke', 'tenantsCreate', 'usageGet']) {
        const apigateway = grantsOf(fn).filter((s) => asArray(s.Action).some((a) => a.startsWith('apigateway:')));
        // GET only on the usage plans (listing, and usage of the stack's): never /apikeys, which lists every key of the
        // region, values included with includeValues.
        for (const st of apigateway) {
          const resources = asArray(st.Resource).map((r) => json(r));
          if (asArray(st.Action).includes('apigateway:GET'))
            for (const r of resources) expect(r).toMatch(/::\/usageplans(\/\$\{ApiGatewayUsagePlan\w+\}\/usage)?"/);
        }
      }
      const keyManagement = grantsOf('keysCreate').filter((s) => asArray(s.Action).some((a) => /^apigateway:(POST|DELETE)$/.test(a)));
      const tag = { 'aws:RequestTag/punctual:stack': 'punctual-ci' };
      expect(keyManagement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: ['apigateway:POST'],
            Resource: [expect.objectContaining({ 'Fn::Sub': expect.stringMatching(/::\/apikeys$/) })],
            Condition: expect.objectContaining({ StringEquals: tag }),
          }),
          expect.objectContaining({ Action: ['apigateway:POST'], Resource: onPlans('/keys') }),
          expect.objectContaining({
            Action: ['apigateway:DELETE'],
            Resource: [expect.objectContaining({ 'Fn::Sub': expect.stringMatching(/::\/apikeys\/\*$/) })],
            Condition: { StringEquals: { 'aws:ResourceTag/punctual:stack': 'punctual-ci' } },
          }),
        ]),
      );
      // Nothing else: every key action is one of those three (no PATCH, no region-wide usage-plan keys).
      expect(keyManagement).toHaveLength(3);
      expect(grantsOf('usageGet').find((s) => json(s.Resource).includes('}/usage'))?.Resource).toEqual(onPlans('/usage'));
      // The usage plans are named by Ref in a policy of its own, so the functions do not depend on the API's deployment.
      const policy = resources[policyLogicalId('keysCreate')];
      expect(policy.Type).toBe('AWS::IAM::Policy');
      expect(policy.Properties.Roles).toEqual([{ Ref: roleLogicalId('keysCreate') }]);
      expect(json(resources.KeysCreateLambdaFunction)).not.toContain(policyLogicalId('keysCreate'));
    });
  });

  describe('bundles', () => {
    /** What serverless.ts sets on every function (values need only be well-formed: nothing is called). */
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      PUNCTUAL_TABLE_NAME: 't',
      PUNCTUAL_DELIVERY_QUEUE_URL: 'q',
      PUNCTUAL_SCHEDULE_GROUP: 'g',
      PUNCTUAL_SCHEDULER_ROLE_ARN: 'r',
      PUNCTUAL_USER_POOL_ID: 'us-east-1_x',
      PUNCTUAL_STACK: 'punctual-test',
      PUNCTUAL_USER_POOL_CLIENT_ID: 'c',
      PUNCTUAL_DELIVERY_DLQ_ARN: 'd',
      PUNCTUAL_WAKE_FUNCTION_ARN: 'a',
    };

    it('register the AWS runtime, so a bundled handler answers as on Lambda', async () => {
      const bundle = join(root, '.esbuild/.build/functions/api/health/get/handler.js');
      const event = `{ httpMethod: 'GET', headers: {}, body: null, requestContext: { identity: {} } }`;
      const script = `require(${JSON.stringify(bundle)}).handler(${event}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env });
      expect(JSON.parse(stdout)).toMatchObject({ statusCode: 200 });
      expect(JSON.parse(JSON.parse(stdout).body)).toMatchObject({ status: 'ok' });
    });

    it('wire the engine too: the deliver bundle answers an SQS batch with partial failures, logging JSON', async () => {
      const bundle = join(root, '.esbuild/.build/functions/engine/deliver/handler.js');
      const record = {
        messageId: 'm1',
        receiptHandle: 'r',
        body: 'not a delivery-queue message',
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:1:q',
        awsRegion: 'us-east-1',
      };
      const script =
        `require(${JSON.stringify(bundle)}).handler({ Records: [${JSON.stringify(record)}] }, { getRemainingTimeInMillis: () => 60000 })` +
        `.then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'))`;
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--no-warnings', '-e', script], { env });
      // Powertools writes errors to stderr; Lambda sends both streams to CloudWatch.
      const lines = `${stdout}\n${stderr}`.trim().split('\n');
      expect(JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice(7))).toEqual({ batchItemFailures: [] });
      expect(JSON.parse(lines.find((l) => l.includes('dropped a delivery-queue record'))!)).toMatchObject({
        level: 'ERROR',
        service: 'punctual',
        messageId: 'm1',
      });
    });
  });

  describe('API Gateway', () => {
    it('reads keys from the x-api-key header', () => {
      expect(resources.ApiGatewayRestApi.Properties.ApiKeySourceType).toBe('HEADER');
    });

    it('declares one usage plan per catalogue plan with its throttle and quota', () => {
      const plans = ofType('AWS::ApiGateway::UsagePlan').map(([, r]) => r.Properties);
      expect(plans.map((p) => p.UsagePlanName).sort()).toEqual(
        Object.keys(defaultPlans)
          .map((n) => `punctual-${n}-ci`)
          .sort(),
      );
      for (const [name, plan] of Object.entries(defaultPlans)) {
        const p = plans.find((x) => x.UsagePlanName === `punctual-${name}-ci`)!;
        expect(p.Throttle).toEqual(
          plan.throttle ? { RateLimit: plan.throttle.rateLimit, BurstLimit: plan.throttle.burstLimit } : undefined,
        );
        expect(p.Quota).toEqual(plan.quota ? { Limit: plan.quota.limit, Period: plan.quota.period } : undefined);
      }
    });

    it('requires an API key on every method except health, docs, the console and the operator routes', () => {
      const open = ofType('AWS::ApiGateway::Method')
        .filter(([, m]) => m.Properties.HttpMethod !== 'OPTIONS' && !m.Properties.ApiKeyRequired)
        .map(([id]) => id)
        .sort();
      expect(open).toEqual([
        'ApiGatewayMethodConsoleGet',
        'ApiGatewayMethodConsoleProxyVarGet',
        'ApiGatewayMethodDocsGet',
        'ApiGatewayMethodDocsProxyVarGet',
        'ApiGatewayMethodOpenapiyamlGet',
        'ApiGatewayMethodV1HealthGet',
        'ApiGatewayMethodV1TenantsGet',
        'ApiGatewayMethodV1TenantsPost',
        'ApiGatewayMethodV1TenantsTenantidVarGet',
        'ApiGatewayMethodV1TenantsTenantidVarPatch',
      ]);
      expect(ofType('AWS::ApiGateway::Method').length).toBe(routes.length + 5);
    });

    it('puts the Cognito token authorizer in front of the operator routes only', () => {
      const authorizers = ofType('AWS::ApiGateway::Authorizer');
      expect(authorizers).toHaveLength(1);
      const [id, authorizer] = authorizers[0];
      expect(authorizer.Properties).toMatchObject({
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 300,
      });
      expect(json(authorizer.Properties.AuthorizerUri)).toContain('AuthorizerLambdaFunction');
      const guarded = ofType('AWS::ApiGateway::Method').filter(([, m]) => m.Properties.AuthorizationType === 'CUSTOM');
      expect(guarded.map(([mid]) => mid).sort()).toEqual([
        'ApiGatewayMethodV1TenantsGet',
        'ApiGatewayMethodV1TenantsPost',
        'ApiGatewayMethodV1TenantsTenantidVarGet',
        'ApiGatewayMethodV1TenantsTenantidVarPatch',
      ]);
      for (const [, m] of guarded) expect(m.Properties.AuthorizerId).toEqual({ Ref: id });
    });

    it("answers API Gateway's own refusals in our error shape", () => {
      const byType = Object.fromEntries(
        ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties.ResponseType, r.Properties]),
      );
      expect(byType.API_KEY).toMatchObject({ StatusCode: '401', RestApiId: { Ref: 'ApiGatewayRestApi' } });
      expect(JSON.parse(byType.API_KEY.ResponseTemplates['application/json'])).toMatchObject({
        error: 'unauthorized',
        message: expect.any(String),
      });
      expect(byType.MISSING_AUTHENTICATION_TOKEN.StatusCode).toBe('404');
      expect(byType.THROTTLED.StatusCode).toBe('429');
      expect(JSON.parse(byType.QUOTA_EXCEEDED.ResponseTemplates['application/json']).error).toBe('quota_exceeded');
      for (const [, r] of ofType('AWS::ApiGateway::GatewayResponse')) {
        expect(r.Properties.ResponseParameters).toEqual({
          'gatewayresponse.header.x-content-type-options': "'nosniff'",
          'gatewayresponse.header.referrer-policy': "'no-referrer'",
          'gatewayresponse.header.x-frame-options': "'DENY'",
        });
      }
    });

    it('throttles every method without an API key on the stage: health, docs, the console, tenant sign-up and administration', () => {
      const deployments = ofType('AWS::ApiGateway::Deployment');
      expect(deployments).toHaveLength(1);
      const settings = deployments[0][1].Properties.StageDescription.MethodSettings as Record<string, unknown>[];
      const byPath = Object.fromEntries(settings.map((m) => [`${m.HttpMethod} ${m.ResourcePath}`, m]));
      expect(Object.keys(byPath).sort()).toEqual(
        [
          'GET /~1console',
          'GET /~1console~1{proxy+}',
          'GET /~1docs',
          'GET /~1docs~1{proxy+}',
          'GET /~1openapi.yaml',
          'GET /~1v1~1health',
          'POST /~1v1~1tenants',
          'GET /~1v1~1tenants',
          'GET /~1v1~1tenants~1{tenantId}',
          'PATCH /~1v1~1tenants~1{tenantId}',
        ].sort(),
      );
      for (const m of settings) {
        expect(m.ThrottlingRateLimit).toBeGreaterThan(0);
        expect(m.ThrottlingBurstLimit).toBeGreaterThanOrEqual(m.ThrottlingRateLimit as number);
      }
      // Sign-up runs the Cognito authorizer: the tightest.
      expect(byPath['POST /~1v1~1tenants']).toMatchObject({ ThrottlingRateLimit: 1, ThrottlingBurstLimit: 5 });
      expect(byPath['PATCH /~1v1~1tenants~1{tenantId}']).toMatchObject({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
      // Every keyless method of the API is covered.
      const open = ofType('AWS::ApiGateway::Method').filter(
        ([, m]) => m.Properties.HttpMethod !== 'OPTIONS' && !m.Properties.ApiKeyRequired,
      );
      expect(settings).toHaveLength(open.length);
    });
  });

  describe('Cognito', () => {
    it('signs operators in with SRP only (no USER_PASSWORD_AUTH), with optional TOTP MFA', () => {
      const client = resources[Logical.userPoolClient].Properties;
      expect(client.ExplicitAuthFlows.sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
      expect(client.GenerateSecret).toBe(false);
      const pool = resources[Logical.userPool].Properties;
      expect(pool).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
      expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    });
  });

  describe('alarms and dashboard', () => {
    const alarms = () => Object.fromEntries(ofType('AWS::CloudWatch::Alarm').map(([id, a]) => [id, a.Properties]));

    it('alarms on the depth of each dead-letter queue (delivery and ingest)', () => {
      for (const dlq of [Logical.deliveryDlq, Logical.ingestDlq]) {
        expect(alarms()[`Alarm${dlq}Depth`]).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    it('alarms on the hand-off’s dead-letter queue, and on its stream iterator age past a minute', () => {
      expect(alarms()[`Alarm${Logical.handoffDlq}Depth`]).toMatchObject({
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Logical.handoffDlq, 'QueueName'] } }],
        Threshold: 1,
      });
      expect(alarms().AlarmEngineHandoffIteratorAge).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: resources.EngineHandoffLambdaFunction.Properties.FunctionName }],
        Statistic: 'Maximum',
        Threshold: 60_000,
      });
    });

    it('alarms on errors of every engine function and the ingest function, by its deployed name', () => {
      for (const fn of ['engineHandoff', 'engineWake', 'engineDeliver', 'engineSweep', 'meteringAggregate', 'ingest']) {
        const a = alarms()[`Alarm${fn.charAt(0).toUpperCase()}${fn.slice(1)}Errors`];
        expect(a).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1 });
        expect(a.Dimensions).toEqual([
          { Name: 'FunctionName', Value: resources[`${fn.charAt(0).toUpperCase()}${fn.slice(1)}LambdaFunction`].Properties.FunctionName },
        ]);
      }
    });

    it('alarms when delivery lateness p99 passes 5 s, on the metric and dimensions the runtime emits', () => {
      expect(alarms().AlarmDeliveryLatenessP99).toMatchObject({
        Namespace: 'Punctual',
        MetricName: 'LatenessMs',
        ExtendedStatistic: 'p99',
        Threshold: 5000,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [
          { Name: 'service', Value: 'punctual' },
          { Name: 'stack', Value: 'punctual-ci' },
        ],
      });
      // The runtime's metrics carry that stack dimension: every function is told its stack.
      expect(resources.EngineDeliverLambdaFunction.Properties.Environment.Variables.PUNCTUAL_STACK).toBe('punctual-ci');
    });

    it('alarms on the API’s 5xx rate', () => {
      expect(alarms().AlarmApi5xxRate).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Statistic: 'Average',
        Threshold: 0.05,
        Dimensions: [
          { Name: 'ApiName', Value: resources.ApiGatewayRestApi.Properties.Name },
          { Name: 'Stage', Value: 'ci' },
        ],
      });
    });

    it('notifies no topic unless PUNCTUAL_ALARM_TOPIC_ARN was set when packaging', () => {
      expect(Object.keys(alarms()).length).toBeGreaterThanOrEqual(7);
      for (const a of Object.values(alarms())) {
        expect(a.AlarmActions).toBeUndefined();
        expect(a.TreatMissingData).toBe('notBreaching');
      }
    });

    it('draws a dashboard of deliveries, failures, lateness and throttles', () => {
      const [[, d]] = ofType('AWS::CloudWatch::Dashboard');
      expect(d.Properties.DashboardName).toBe('punctual-ci');
      const body = JSON.parse(d.Properties.DashboardBody['Fn::Sub']) as {
        widgets: { properties: { title: string; metrics: unknown[][] } }[];
      };
      const titles = body.widgets.map((w) => w.properties.title);
      expect(titles).toEqual(expect.arrayContaining(['Deliveries and failures', 'Throttles']));
      const metrics = json(body.widgets.map((w) => w.properties.metrics));
      for (const name of ['"Deliveries"', '"Failures"', '"LatenessMs"', '"Throttles"', '"p99"', '"punctual-ci"'])
        expect(metrics).toContain(name);
    });
  });

  describe('read-only functions', () => {
    it('tells every GET function with table access that it is read-only, and no other', () => {
      for (const r of routes) {
        const fn = resources[`${functionName(r.fn).charAt(0).toUpperCase()}${functionName(r.fn).slice(1)}LambdaFunction`];
        const readOnly = fn.Properties.Environment?.Variables?.PUNCTUAL_READ_ONLY;
        expect(`${r.method} ${r.path}: ${readOnly}`).toBe(
          `${r.method} ${r.path}: ${r.method === 'GET' && r.access !== 'public' ? 'true' : undefined}`,
        );
      }
    });
  });
});
