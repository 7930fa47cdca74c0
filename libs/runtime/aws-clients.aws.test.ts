/**
 * The runtime's AWS clients against moto_server, pointed there by PUNCTUAL_AWS_ENDPOINT alone: each
 * service answers, and the API Gateway adapters page usage plans through the SDK's paginator.
 */
import { CreateUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { UsagePlans } from '../apigateway/usage-plans';
import { type Moto, startMoto } from '../../test/support/moto';
import { type AwsClients, createAwsClients } from './aws-clients';
import { loadAwsConfig } from './aws-config';

let moto: Moto;
let clients: AwsClients;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  // Region and credentials come from the environment, as in Lambda; only the endpoint is ours.
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  const config = loadAwsConfig({
    PUNCTUAL_TABLE_NAME: 't',
    PUNCTUAL_DELIVERY_QUEUE_URL: 'q',
    PUNCTUAL_DELIVERY_DLQ_ARN: 'd',
    PUNCTUAL_WAKE_FUNCTION_ARN: 'w',
    PUNCTUAL_SCHEDULE_GROUP: 'g',
    PUNCTUAL_SCHEDULER_ROLE_ARN: 'r',
    PUNCTUAL_USER_POOL_ID: 'p',
    PUNCTUAL_STACK: 'punctual-test',
    PUNCTUAL_USER_POOL_CLIENT_ID: 'c',
    PUNCTUAL_AWS_ENDPOINT: moto.endpoint,
  });
  clients = createAwsClients(config);
}, 60_000);

afterAll(async () => {
  clients?.close();
  await moto?.stop();
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('createAwsClients with PUNCTUAL_AWS_ENDPOINT', () => {
  it('reaches DynamoDB, SQS and Scheduler on the emulator', async () => {
    const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'punctual-release' }));
    expect(queue.QueueUrl).toMatch(/punctual-release$/);
    await expect(clients.documentClient.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
    await expect(clients.scheduler.send(new ListSchedulesCommand({}))).resolves.toMatchObject({ Schedules: [] });
  });

  it('finds a plan’s usage plan on API Gateway through the paginator', async () => {
    for (const name of ['someone-else', 'punctual-free-test', 'punctual-pro-test']) {
      await clients.apiGateway.send(new CreateUsagePlanCommand({ name }));
    }
    const plans = new UsagePlans({ client: clients.apiGateway, usagePlanName: (plan) => `punctual-${plan}-test` });
    const [free, pro] = await plans.idsOf(['free', 'pro']);
    expect(free).toEqual(expect.any(String));
    expect(pro).toEqual(expect.any(String));
    expect(free).not.toBe(pro);
    expect(await plans.idOf('pro')).toBe(pro);
  });
});
