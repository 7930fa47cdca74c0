/**
 * The AWS composition root (libs/runtime/aws.ts) with every client on moto_server through PUNCTUAL_AWS_ENDPOINT:
 * DynamoDB, the delivery queue, KMS sealing the apps' secrets, SES and a tenant's SQS queue. Apps and messages
 * are made by the root's services; the deliver function's work (`engine.handle`) takes each record from the
 * real delivery queue.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { ownAccount, useAwsRoot } from '../../test/support/aws-root';
import { TargetUnavailableError } from '../apps/errors';

const { root, p, receive, deliverQueued, createApp, send: sendBody } = useAwsRoot('punctual-targets');

const send = async (appId: string, payload: unknown) => sendBody({ appId, payload });

describe('the AWS composition root on moto_server', () => {
  it('seals the app’s secrets with KMS in DynamoDB, and the deliver function signs with them', async () => {
    const app = await createApp({
      name: 'hook',
      target: { type: 'http', url: `${root.receiver.url}/hook`, headers: { authorization: 'Bearer llm-key-1' } },
    });
    const item = await root.runtime.services.apps.get(p, app.id);
    expect(item.signingSecret).toMatch(/^enc:kms1:/);
    expect(item.target).toMatchObject({ headers: { authorization: expect.stringMatching(/^enc:kms1:/) } });
    const dynamodb = new DynamoDBClient(root.moto.clientConfig);
    const raw = JSON.stringify((await dynamodb.send(new ScanCommand({ TableName: root.tableName }))).Items);
    dynamodb.destroy();
    expect(raw).toContain(app.id);
    expect(raw).not.toContain('llm-key-1');
    expect(raw).not.toContain(app.signingSecret);

    const m = await send(app.id, { q: 'summarise' });
    expect(await deliverQueued()).toEqual(['delivered']);
    const [hit] = await root.receiver.waitFor('/hook', 1);
    expect(hit.headers.authorization).toBe('Bearer llm-key-1');
    expect(new Webhook(app.signingSecret).verify(hit.body, hit.headers as Record<string, string>)).toEqual({ q: 'summarise' });
    expect(hit.headers['webhook-id']).toBe(m.id);
  });

  it('sends an email through SES', async () => {
    const app = await createApp({
      name: 'digest',
      target: { type: 'email', to: ['finance@example.com'], subject: 'Digest {{message.id}}' },
    });
    const m = await send(app.id, 'Markets opened higher.');
    expect(await deliverQueued()).toEqual(['delivered']);
    const data = (await (await fetch(`${root.moto.endpoint}/moto-api/data.json`)).json()) as {
      ses: { Message: Record<string, unknown>[] };
    };
    expect(data.ses.Message).toContainEqual(
      expect.objectContaining({ source: 'punctual@example.com', subject: `Digest ${m.id}`, body: 'Markets opened higher.' }),
    );
  });

  it('sends to a tenant’s SQS queue in another account, and refuses a queue of its own account', async () => {
    const target = (await root.sqs.send(new CreateQueueCommand({ QueueName: 'tenant-jobs' }))).QueueUrl!;
    const app = await createApp({ name: 'jobs', target: { type: 'sqs', queueUrl: target } });
    const m = await send(app.id, { job: 1 });
    expect(await deliverQueued()).toEqual(['delivered']);
    const [got] = await receive(target);
    expect(JSON.parse(got.Body!)).toEqual({ job: 1 });
    expect(got.MessageAttributes!['punctual-message-id'].StringValue).toBe(m.id);

    const ownQueue = `${root.moto.endpoint}/${ownAccount}/punctual-delivery`;
    await expect(createApp({ name: 'mine', target: { type: 'sqs', queueUrl: ownQueue } })).rejects.toThrow(TargetUnavailableError);
    await expect(
      createApp({ name: 'mine', target: { type: 'sns', topicArn: `arn:aws:sns:us-east-1:${ownAccount}:internal` } }),
    ).rejects.toThrow(/own/);
  });
});
