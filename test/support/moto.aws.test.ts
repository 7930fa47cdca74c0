import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Moto, startMoto } from './moto';

// Starting moto_server (Python) takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

describe('startMoto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());

  it('serves AWS APIs on 127.0.0.1 and forgets them on reset', async () => {
    const sqs = new SQSClient(moto.clientConfig);
    await sqs.send(new CreateQueueCommand({ QueueName: 'probe' }));
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls?.some((u) => u.endsWith('/probe'))).toBe(true);
    await moto.reset();
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual([]);
    sqs.destroy();
  });

  it('is stopped by pid', async () => {
    const other = await startMoto();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
    await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow();
  });
});
