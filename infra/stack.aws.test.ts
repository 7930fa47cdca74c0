/**
 * The packaged stack deployed as `sls deploy` would, into moto_server's CloudFormation: create the stack from the
 * create template (the deployment bucket), upload the function zips and the template to that bucket (moto's S3),
 * update the stack from the packaged template, and check it completes with the functions, table, queues and API in
 * place. And `cfn-lint` on the template: no errors. moto's CloudFormation skips what it does not model (usage plans,
 * gateway responses, the authorizer, Cognito, the schedule group, alarms); infra/stack.int.test.ts asserts those.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APIGatewayClient, GetResourcesCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { routes } from '../libs/http/routes';
import { type PackagedStack, packageDir, packageStack, packageStage } from '../test/support/aws-stack';
import { useMoto } from '../test/support/moto';

const moto = useMoto();
const stackName = `punctual-${packageStage}`;
let stack: PackagedStack;

/** Waits until the stack leaves `*_IN_PROGRESS`; its final status, and its failed events when it did not complete. */
const settle = async (cfn: CloudFormationClient): Promise<{ status: string; failures: string[] }> => {
  for (;;) {
    const [s] = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks ?? [];
    if (!s?.StackStatus?.endsWith('_IN_PROGRESS')) {
      const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }))).StackEvents ?? [];
      const failures = events
        .filter((e) => e.ResourceStatus?.endsWith('_FAILED'))
        .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
      return { status: s?.StackStatus ?? 'MISSING', failures };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
};

beforeAll(async () => {
  stack = await packageStack();
  // A figure for the CI log, never an assertion (DESIGN §9).
  if (stack.packageMs) console.info(`sls package took ${(stack.packageMs / 1000).toFixed(1)} s`);
}, 600_000);

describe('the packaged stack', () => {
  it('passes cfn-lint with no errors', async () => {
    const template = join(packageDir, 'cloudformation-template-update-stack.json');
    // cfn-lint's exit code is a bit mask (2: errors, 4: warnings, 8: informational); the JSON lists every finding.
    const out = await promisify(execFile)('cfn-lint', ['--format', 'json', '--', template], { maxBuffer: 16 * 1024 * 1024 }).catch(
      (err: { stdout?: string; code?: number }) => {
        if (typeof err.code !== 'number' || err.code & 1) throw err; // 1: cfn-lint itself failed
        return { stdout: err.stdout ?? '[]' };
      },
    );
    const findings = JSON.parse(out.stdout || '[]') as { Level: string; Rule: { Id: string }; Message: string }[];
    const errors = findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id}: ${f.Message}`);
    console.info(`cfn-lint: ${errors.length} errors, ${findings.length - errors.length} warnings or notes`);
    expect(errors).toEqual([]);
  }, 120_000);

  it('deploys to moto’s CloudFormation as sls deploy does: create, upload the artifacts, update to completion', async () => {
    const cfg = moto.clientConfig;
    const cfn = new CloudFormationClient(cfg);
    const s3 = new S3Client({ ...cfg, forcePathStyle: true });
    try {
      await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(stack.createTemplate) }));
      expect((await settle(cfn)).status).toBe('CREATE_COMPLETE');
      const bucket = (
        await cfn.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: 'ServerlessDeploymentBucket' }))
      ).StackResourceDetail!.PhysicalResourceId!;

      // Every function's zip under the key its Code names, and the template beside them (too big for TemplateBody).
      const keys = new Set<string>();
      for (const r of Object.values(stack.template.Resources))
        if (r.Type === 'AWS::Lambda::Function') keys.add(r.Properties.Code.S3Key as string);
      const directory = [...keys][0].slice(0, [...keys][0].lastIndexOf('/'));
      const zips = readdirSync(packageDir).filter((f) => f.endsWith('.zip'));
      for (const key of keys) expect(zips).toContain(key.slice(directory.length + 1));
      for (const zip of zips) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${directory}/${zip}`, Body: readFileSync(join(packageDir, zip)) }));
      }
      const templateKey = `${directory}/compiled-cloudformation-template.json`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: JSON.stringify(stack.template) }));

      await cfn.send(
        new UpdateStackCommand({
          StackName: stackName,
          TemplateURL: `https://s3.amazonaws.com/${bucket}/${templateKey}`,
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        }),
      );
      const { status, failures } = await settle(cfn);
      expect({ status, failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });

      // The functions: one per route, the engine's, the authorizer and docs.
      const names: string[] = [];
      for await (const page of paginateListFunctions({ client: new LambdaClient(cfg) }, {})) {
        for (const f of page.Functions ?? []) if (f.FunctionName?.startsWith(`${stackName}-`)) names.push(f.FunctionName);
      }
      expect(names).toHaveLength(routes.length + 8);
      const own = [
        ...['engineHandoff', 'engineWake', 'engineDeliver', 'engineSweep', 'meteringAggregate'],
        ...['authorizer', 'docs', 'ingest', 'messagesCreate'],
      ];
      for (const fn of own) expect(names).toContain(`${stackName}-${fn}`);

      // The table with its stream, the delivery queue redriving to its DLQ.
      const table = (await new DynamoDBClient(cfg).send(new DescribeTableCommand({ TableName: stackName }))).Table!;
      expect(table.StreamSpecification).toMatchObject({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
      const sqs = new SQSClient(cfg);
      const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: `${stackName}-delivery` }))).QueueUrl!;
      const queue = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes!;
      expect(JSON.parse(queue.RedrivePolicy!)).toMatchObject({ deadLetterTargetArn: expect.stringMatching(/:punctual-ci-delivery-dlq$/) });
      await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${stackName}-delivery-dlq` }))).resolves.toBeDefined();
      await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${stackName}-handoff-dlq` }))).resolves.toBeDefined();

      // The REST API with the route table's paths.
      const gateway = new APIGatewayClient(cfg);
      const api = (await gateway.send(new GetRestApisCommand({}))).items?.find((a) => a.name === `${packageStage}-punctual`);
      expect(api).toBeDefined();
      const paths = new Set((await gateway.send(new GetResourcesCommand({ restApiId: api!.id!, limit: 500 }))).items?.map((r) => r.path));
      for (const r of routes) expect(paths).toContain(r.path);

      // The operations dashboard (moto models dashboards, not alarms).
      const dashboard = await new CloudWatchClient(cfg).send(new GetDashboardCommand({ DashboardName: stackName }));
      expect(dashboard.DashboardBody).toContain('LatenessMs');
    } finally {
      cfn.destroy();
      s3.destroy();
    }
  }, 180_000);
});
