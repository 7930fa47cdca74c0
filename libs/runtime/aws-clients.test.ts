import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AwsClients, createAwsClients } from './aws-clients';

/** A stand-in AWS endpoint on 127.0.0.1: records which operation each request was, answers a 400 (not retried). */
let server: Server;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(String(req.headers['x-amz-target'] ?? req.url?.split('?')[0]));
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ValidationException' });
      res.end(JSON.stringify({ __type: 'ValidationException', message: 'stand-in' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const saved = { ...process.env };
beforeEach(() => {
  seen.length = 0;
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
  delete process.env.AWS_ENDPOINT_URL;
});
afterEach(() => {
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** One request per client; each fails on the stand-in's 400, which is all these tests need. */
const callEach = async (c: AwsClients) => {
  const calls = [
    c.documentClient.send(new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'b' } })),
    c.apiGateway.send(new GetUsagePlansCommand({})),
    c.sqs.send(new ListQueuesCommand({})),
    c.scheduler.send(new ListSchedulesCommand({})),
  ];
  return Promise.allSettled(calls);
};

/** The mode of the retry strategy the client's middleware runs (the adaptive strategy names itself). */
const modeOf = async (client: { config: { retryStrategy: () => Promise<unknown> } }) =>
  ((await client.config.retryStrategy()) as { mode?: string }).mode;

const everyService = ['DynamoDB_20120810.GetItem', '/usageplans', 'AmazonSQS.ListQueues', '/schedules'];

describe('createAwsClients', () => {
  it('lets the SDK retry throttling adaptively: more attempts for API Gateway’s control plane than the others', async () => {
    const c = createAwsClients({});
    try {
      for (const client of [c.documentClient, c.sqs, c.scheduler]) {
        expect(await modeOf(client)).toBe('adaptive');
        expect(await client.config.maxAttempts()).toBe(3);
      }
      expect(await modeOf(c.apiGateway)).toBe('adaptive');
      expect(await c.apiGateway.config.maxAttempts()).toBe(5);
    } finally {
      c.close();
    }
  });

  it('points every client at the configured endpoint', async () => {
    const c = createAwsClients({ endpoint: url });
    try {
      const results = await callEach(c);
      expect(results.every((r) => r.status === 'rejected')).toBe(true);
      expect([...seen].sort()).toEqual([...everyService].sort());
    } finally {
      c.close();
    }
  });

  it('leaves the endpoint to the SDK otherwise, so AWS_ENDPOINT_URL keeps working', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    const c = createAwsClients({});
    try {
      await callEach(c);
      expect([...seen].sort()).toEqual([...everyService].sort());
    } finally {
      c.close();
    }
  });

  it('uses the clients it is given as they are, and closes only its own', async () => {
    const given = createAwsClients({ endpoint: url });
    const c = createAwsClients({}, { sqs: given.sqs, apiGateway: given.apiGateway });
    expect(c.sqs).toBe(given.sqs);
    expect(c.apiGateway).toBe(given.apiGateway);
    c.close();
    await expect(given.sqs.send(new ListQueuesCommand({}))).rejects.toThrow();
    expect(seen).toEqual(['AmazonSQS.ListQueues']); // still usable: it reached the endpoint
    given.close();
  });
});
