import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { DeliveryPool } from './pool';
import type { WebhookRequest } from './webhook';
import { eventually } from '../../test/support/eventually';
import { startReceiver, type Receiver } from '../../test/support/receiver';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

/** Headers as `Webhook.verify` wants them. */
const flat = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** The delivery pool with real worker threads against a real receiver on 127.0.0.1. */
describe('DeliveryPool', () => {
  let receiver: Receiver;
  let base: string;
  const pools: DeliveryPool[] = [];
  const poolWith = (workers: number) => {
    const pool = new DeliveryPool({ workers, client: { allowPrivateTargets: true } });
    pools.push(pool);
    return pool;
  };
  let seq = 0;
  const requestTo = (path: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest => ({
    messageId: `msg_${++seq}`,
    attempt: 1,
    scheduledAt: Date.UTC(2026, 0, 1, 9, 0, 0),
    payload: JSON.stringify({ n: seq }),
    target: { type: 'http', url: `${base}${path}` },
    secrets: [secret],
    ...overrides,
  });
  const at = (path: string) => receiver.on(path);

  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.respond('/hang', () => undefined); // never answers
    receiver.respond('/slow', (_r, _n, res) => void setTimeout(() => res.writeHead(200).end('slow ok'), 300));
    receiver.respond('/busy', () => ({ status: 429, headers: { 'retry-after': '7' }, body: 'later' }));
    base = receiver.url;
  });

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await receiver.close();
  });

  it('delivers signed webhooks from worker threads, with outcomes intact', async () => {
    const pool = poolWith(1);
    const outcome = await pool.deliver(requestTo('/signed'));
    expect(outcome).toMatchObject({ kind: 'success', statusCode: 200, responseBody: 'ok' });
    const [got] = at('/signed');
    expect(new Webhook(secret).verify(got.body, flat(got.headers))).toEqual({ n: seq });
    expect(got.headers['webhook-id']).toBe(`msg_${seq}`);

    expect(await pool.deliver(requestTo('/busy'))).toMatchObject({
      kind: 'retry',
      statusCode: 429,
      retryAfterMs: 7_000,
      responseBody: 'later',
    });
    expect(await pool.deliver(requestTo('/x', { secrets: [] }))).toMatchObject({ kind: 'permanent', error: 'no signing secret' });
  });

  it('spreads a burst over its workers and answers every request once', async () => {
    const pool = poolWith(2);
    const reqs = Array.from({ length: 300 }, () => requestTo('/burst'));
    const outcomes = await Promise.all(reqs.map((r) => pool.deliver(r)));
    expect(outcomes.every((o) => o.kind === 'success')).toBe(true);
    expect(new Set(at('/burst').map((r) => r.headers['webhook-id'])).size).toBe(300);
    expect(at('/burst')).toHaveLength(300);
    expect(pool.threads).toHaveLength(2);
    expect(pool.inFlight).toBe(0);
  });

  it('resolves requests in flight on a worker that dies as retryable, and restarts it', async () => {
    const pool = poolWith(1);
    const before = at('/hang').length;
    const hanging = Array.from({ length: 3 }, () =>
      pool.deliver(requestTo('/hang', { target: { type: 'http', url: `${base}/hang`, timeoutMs: 60_000 } })),
    );
    await eventually(() => at('/hang').length === before + 3);
    const [worker] = pool.threads;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await worker.terminate(); // what a crash looks like from here: the thread is gone
    await exited;

    const outcomes = await Promise.all(hanging);
    for (const o of outcomes) expect(o).toMatchObject({ kind: 'retry', error: expect.stringMatching(/delivery worker stopped/) });
    expect(pool.inFlight).toBe(0);

    // A new worker takes its place.
    expect(await pool.deliver(requestTo('/after-crash'))).toMatchObject({ kind: 'success' });
    expect(pool.threads).toHaveLength(1);
    expect(pool.threads[0].threadId).not.toBe(worker.threadId);
  });

  it('finishes in-flight deliveries before its workers exit on close', async () => {
    const pool = poolWith(2);
    const slow = Array.from({ length: 5 }, () => pool.deliver(requestTo('/slow')));
    await new Promise((r) => setImmediate(r)); // posted to the workers
    const workers = pool.threads;
    const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    await pool.close();
    for (const o of await Promise.all(slow)) expect(o).toMatchObject({ kind: 'success', responseBody: 'slow ok' });
    await Promise.all(exits);
    expect(pool.threads).toHaveLength(0);
    expect(await pool.deliver(requestTo('/too-late'))).toMatchObject({ kind: 'retry', error: 'delivery pool closed' });
    expect(at('/too-late')).toHaveLength(0);
  });

  it('closes idle workers promptly and refuses fewer than one worker', async () => {
    const pool = poolWith(1);
    await pool.close();
    expect(pool.threads).toHaveLength(0);
    expect(() => new DeliveryPool({ workers: 0, client: { allowPrivateTargets: true } })).toThrow(RangeError);
  });
});
