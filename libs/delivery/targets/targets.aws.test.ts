/**
 * The AWS targets' senders against moto_server: what arrives in the queue, topic subscription and event bus,
 * and how failures are classified. Clients come from AwsTargetClients pointed at moto, as PUNCTUAL_AWS_ENDPOINT does.
 */
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Target } from '../../apps/model';
import type { DeliveryOutcome } from '../../messages/outcome';
import { type Moto, startMoto } from '../../../test/support/moto';
import { AwsTargetClients } from './aws-clients';
import { EmailSender } from './email';
import type { DeliveryRequest } from './request';
import { routeDelivery } from './router';
import { SesMailer } from './ses';

let moto: Moto;
let sqs: SQSClient;
let clients: AwsTargetClients;
let deliver: (req: DeliveryRequest) => Promise<DeliveryOutcome>;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  // The standard credential chain, as in the embedded runtime: from the environment.
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  sqs = new SQSClient(moto.clientConfig);
  clients = new AwsTargetClients({ endpoint: moto.endpoint });
  const email = new EmailSender({ mailer: new SesMailer(clients), defaultFrom: 'punctual@example.com' });
  deliver = routeDelivery({ webhook: { deliver: () => Promise.reject(new Error('no webhook here')) }, email, aws: clients, policy: {} });
}, 60_000);

afterAll(async () => {
  clients?.close();
  sqs?.destroy();
  await moto?.stop();
  for (const name of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

let n = 0;
const request = (target: Target, payload: unknown, over: Partial<DeliveryRequest> = {}): DeliveryRequest => ({
  tenantId: 'ten_a',
  messageId: `msg_${++n}`,
  attempt: 2,
  scheduledAt: Date.UTC(2027, 2, 15, 8),
  scheduleId: 'sch_birthdays',
  payload: JSON.stringify(payload),
  target,
  secrets: ['whsec_dGVzdA=='],
  ...over,
});

const queue = async (name: string, attributes: Record<string, string> = {}) => {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
};

/** Every message in a queue (moto answers at once), with attributes. */
const drain = async (url: string): Promise<Message[]> => {
  const all: Message[] = [];
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
    );
    if (!r.Messages?.length) return all;
    all.push(...r.Messages);
  }
};

const attributesOf = (m: Message) => Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));

describe('AWS targets (moto_server)', () => {
  describe('sqs', () => {
    it('sends the payload as the body, with the message id, attempt, time and schedule as attributes', async () => {
      const q = await queue('birthdays');
      const req = request({ type: 'sqs', queueUrl: q.url }, { name: 'Ada', zone: 'Europe/Paris' });
      const outcome = await deliver(req);
      expect(outcome).toMatchObject({ kind: 'success', statusCode: 200 });
      const [m] = await drain(q.url);
      expect(JSON.parse(m.Body!)).toEqual({ name: 'Ada', zone: 'Europe/Paris' });
      expect(attributesOf(m)).toEqual({
        'punctual-message-id': req.messageId,
        'punctual-attempt': '2',
        'punctual-scheduled-at': '2027-03-15T08:00:00.000Z',
        'punctual-schedule-id': 'sch_birthdays',
      });
      expect(m.MessageAttributes!['punctual-attempt'].DataType).toBe('Number');
      expect(JSON.parse((outcome as { responseBody: string }).responseBody)).toEqual({ messageId: m.MessageId });
    });

    it('sends a string payload raw, and a FIFO queue gets the group and the message id as deduplication id', async () => {
      const q = await queue('jobs.fifo', { FifoQueue: 'true' });
      const req = request({ type: 'sqs', queueUrl: q.url, messageGroupId: 'tenant-a' }, 'hello');
      expect(await deliver(req)).toMatchObject({ kind: 'success' });
      expect(await deliver({ ...req, attempt: 3 })).toMatchObject({ kind: 'success' }); // a retry of a send that arrived
      const got = await drain(q.url);
      expect(got.map((m) => m.Body)).toEqual(['hello']);
    });

    it('fails permanently when the queue does not exist', async () => {
      const missing = `${moto.endpoint}/123456789012/no-such-queue`;
      expect(await deliver(request({ type: 'sqs', queueUrl: missing }, {}))).toMatchObject({
        kind: 'permanent',
        error: expect.stringMatching(/NonExistentQueue|QueueDoesNotExist/),
      });
    });
  });

  describe('sns', () => {
    it('publishes the payload with its attributes and the target’s to a topic; a raw SQS subscription receives them', async () => {
      const q = await queue('web-actions');
      const sns = new SNSClient(moto.clientConfig);
      const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'web_action' }))).TopicArn!;
      await sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }),
      );
      sns.destroy();
      const req = request({ type: 'sns', topicArn, messageAttributes: { action: 'web_action' } }, { url: 'https://example.com/run' });
      const outcome = await deliver(req);
      expect(outcome).toMatchObject({ kind: 'success', statusCode: 200, responseBody: expect.stringMatching(/"messageId":/) });
      const [m] = await drain(q.url);
      expect(JSON.parse(m.Body!)).toEqual({ url: 'https://example.com/run' });
      expect(attributesOf(m)).toMatchObject({ action: 'web_action', 'punctual-message-id': req.messageId, 'punctual-attempt': '2' });
    });

    it('fails permanently when the topic does not exist', async () => {
      expect(await deliver(request({ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:gone' }, {}))).toMatchObject({
        kind: 'permanent',
        error: expect.stringMatching(/NotFound/),
      });
    });
  });

  describe('eventbridge', () => {
    it('puts the payload as the detail, with a punctual field, on the bus; a rule routes it to a queue', async () => {
      const q = await queue('events');
      const events = new EventBridgeClient(moto.clientConfig);
      const eventBusArn = (await events.send(new CreateEventBusCommand({ Name: 'jobs' }))).EventBusArn!;
      await events.send(new PutRuleCommand({ Name: 'due', EventBusName: 'jobs', EventPattern: JSON.stringify({ source: ['acme.jobs'] }) }));
      await events.send(new PutTargetsCommand({ Rule: 'due', EventBusName: 'jobs', Targets: [{ Id: 'q', Arn: q.arn }] }));
      events.destroy();
      const req = request({ type: 'eventbridge', eventBusArn, source: 'acme.jobs', detailType: 'job.due' }, { job: 7 });
      const outcome = await deliver(req);
      expect(outcome).toMatchObject({ kind: 'success', responseBody: expect.stringMatching(/"eventId":/) });
      const [m] = await drain(q.url);
      const event = JSON.parse(m.Body!);
      expect(event).toMatchObject({ source: 'acme.jobs', 'detail-type': 'job.due' });
      expect(event.detail).toEqual({
        job: 7,
        punctual: { messageId: req.messageId, attempt: 2, scheduledAt: '2027-03-15T08:00:00.000Z', scheduleId: 'sch_birthdays' },
      });
    });
  });

  describe('email (SES v2)', () => {
    it('sends from a verified identity; an unverified sender fails permanently', async () => {
      const ses = new SESv2Client(moto.clientConfig);
      await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'punctual@example.com' }));
      ses.destroy();
      const target: Target = { type: 'email', to: ['ops@example.com'], subject: 'Run {{message.id}}' };
      const req = request(target, 'The answer');
      expect(await deliver(req)).toMatchObject({ kind: 'success', statusCode: 200, responseBody: expect.stringMatching(/"messageId":/) });
      const sent = (await (await fetch(`${moto.endpoint}/moto-api/data.json`)).json()) as { ses: { Message: Record<string, unknown>[] } };
      expect(sent.ses.Message).toContainEqual(
        expect.objectContaining({ source: 'punctual@example.com', subject: `Run ${req.messageId}`, body: 'The answer' }),
      );
      expect(await deliver(request({ ...target, from: 'stranger@example.com' }, 'x'))).toMatchObject({
        kind: 'permanent',
        error: expect.stringMatching(/MessageRejected/),
      });
    });
  });

  it('retries when the service cannot be reached', async () => {
    const down = new AwsTargetClients({ endpoint: 'http://127.0.0.1:1', requestTimeoutMs: 2_000 });
    const send = routeDelivery({ webhook: { deliver: () => Promise.reject(new Error('unused')) }, aws: down, policy: {} });
    expect(await send(request({ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:t' }, {}))).toMatchObject({ kind: 'retry' });
    down.close();
  });
});
