/**
 * `npm run cost`: the AWS operations per delivered message (README, *Cost*), counted on the AWS composition root with
 * the real handlers, DynamoDB on dynalite and the SQS, Scheduler and API Gateway stand-ins on a simulated clock
 * (test/support/aws-world.ts). Why not moto: a message due in 5 minutes would wait 5 real minutes in moto's SQS, and
 * one an hour ahead an hour; on the simulated clock both take a second, and the stand-ins count every request.
 *
 * Four workloads of 100 messages with a 1 KiB JSON payload (`makePayload`), delivered at the first attempt: created one per
 * `POST /v1/messages` or in one `POST /v1/messages/batch`, due within 15 minutes (`soon`, 5 minutes ahead) or an hour
 * ahead (`later`). Per delivered message: API Gateway requests, Lambda invocations (API, hand-off, wake, deliver) and GB-seconds
 * (measured handler durations × the functions' memory), DynamoDB write and read units from the items' sizes and every
 * index entry (test/support/capacity.ts), SQS requests (empty polls excluded: the event source's fixed cost), Scheduler
 * invocations. The per-minute sweep is a fixed cost, left out; so is the metering aggregator (one invocation and a few
 * counter writes per stream batch of up to 1,000 changes). The hand-off gets what the stream holds at each poll: the
 * simulated clock stands still while a workload is created, so its 100 messages are one hand-off batch, as on a busy
 * stream; a quiet one costs up to a hand-off invocation per message. Prints `AWS-OPS {json}`; infra/prices.ts prices it.
 */
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { useDynalite } from '../../test/support/dynalite';
import { awsWorld, T0 } from '../../test/support/aws-world';
import { countCapacity } from '../../test/support/capacity';
import { packText } from '../store/dynamodb/packing';
import type { Ops } from '../../infra/prices';

// Hundreds of dynalite calls per workload, each write read around for its sizes.
jest.setTimeout(120_000);

const db = useDynalite();
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
});

/** The functions' memory in GB (serverless.ts: 512 MB by default; infra/engine.ts: the wake and hand-off functions 256 MB). */
const memoryGb = { api: 0.5, deliver: 0.5, wake: 0.25, handoff: 0.25 } as const;
const n = Number(process.env.COST_N ?? 100);

/** mulberry32: a seeded generator, so the payload is the same on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * The workload's payload: 1,024 bytes of JSON exactly. By default an `order.created` event as a shop would send it —
 * ids that look random, timestamps, a customer, three order lines with amounts, a shipping address and a free-text note
 * (brotli packs it to 525 bytes; the message item, keys and all, is under 1 KB). With `COST_PAYLOAD=random`, 1 KiB of random
 * base64, which packs only to its 6 bits per character (802 bytes): the figure for payloads that do not compress.
 */
const makePayload = (): Record<string, unknown> => {
  const random = seeded(14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const id = (prefix: string, n: number) => prefix + Array.from({ length: n }, () => pick([...chars])).join('');
  const toSize = (shell: (filler: string) => Record<string, unknown>, words: string[]) => {
    const room = 1024 - JSON.stringify(shell('')).length;
    let text = '';
    while (text.length < room) text += `${text ? ' ' : ''}${pick(words)}`;
    return shell(text.slice(0, room).trimEnd().padEnd(room, '.'));
  };
  if (process.env.COST_PAYLOAD === 'random')
    return toSize((data) => ({ data }), [Array.from({ length: 1024 }, () => pick([...chars, '+', '/'])).join('')]);
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 7, 9, 30) + ms).toISOString();
  const name = pick(['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson']);
  const products = ['Espresso beans 1 kg', 'Ceramic pour-over dripper', 'Paper filters (100)', 'Burr grinder', 'Milk jug 600 ml'];
  const items = Array.from({ length: 3 }, () => ({
    sku: id('SKU-', 8),
    name: pick(products),
    quantity: 1 + Math.floor(random() * 3),
    unitPrice: Math.round(500 + random() * 9500) / 100,
  }));
  const order = {
    id: id('ord_', 20),
    placedAt: at(-random() * 60_000),
    currency: 'EUR',
    customer: { id: id('cus_', 16), name, email: `${name.split(' ')[0].toLowerCase()}.${id('', 6).toLowerCase()}@example.com` },
    items,
    total: Math.round(items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) * 100) / 100,
    shipping: { street: `${1 + Math.floor(random() * 200)} Harbour Road`, city: 'Rotterdam', postcode: '3011 AB', country: 'NL' },
    payment: { id: id('pay_', 20), method: 'card', brand: 'visa', last4: String(1000 + Math.floor(random() * 9000)) },
  };
  const event = { type: 'order.created', id: id('evt_', 24), occurredAt: at(0) };
  const words = 'please leave the parcel with the neighbour at number if nobody answers ring twice and call the mobile on the order'.split(
    ' ',
  );
  return toSize((note) => ({ ...event, order: { ...order, note } }), words);
};
const payload = makePayload();

const count = async (mode: 'single' | 'batch', due: 'soon' | 'later'): Promise<Ops> => {
  const ms = { api: 0, wake: 0, deliver: 0, handoff: 0 };
  let counting = false;
  const timed = (fn: keyof typeof ms, d: number) => {
    if (counting) ms[fn] += d;
  };
  const w = await awsWorld(db, receiver, { timed });
  try {
    const base = T0 + (due === 'soon' ? 5 : 60) * 60_000;
    const sendAt = (i: number) => new Date(base + i * 500).toISOString();
    w.ops.reset();
    counting = true;
    // COST_DEBUG=1: the write units by phase, command and item kind (the keys' prefixes), per delivered message.
    const writes = new Map<string, { item: number; index: number }>();
    const units = countCapacity(
      db.client,
      w.tableName,
      () => w.phase(),
      (c) => {
        const kind = [c.key.PK, c.key.SK].map((k) => String(k).split('#')[0]).join('/');
        const what = `${c.label} ${c.command}${c.failed ? ' (failed)' : ''} ${kind}`;
        const sum = writes.get(what) ?? { item: 0, index: 0 };
        writes.set(what, { item: sum.item + c.item, index: sum.index + c.index });
      },
    );
    if (mode === 'single') {
      for (let i = 0; i < n; i++)
        expect((await w.api('POST', '/v1/messages', { appId: w.appId, sendAt: sendAt(i), payload })).status).toBe(201);
    } else {
      const items = Array.from({ length: n }, (_, i) => ({ appId: w.appId, sendAt: sendAt(i), payload }));
      const res = await w.api('POST', '/v1/messages/batch', { items });
      expect((res.body.items as { status: number }[]).every((i) => i.status === 201)).toBe(true);
    }
    if (process.env.COST_DEBUG) process.stderr.write(`created ${mode} ${due}\n`);
    await w.runUntil(base + n * 500 + 60_000);
    units.stop();
    counting = false;
    if (process.env.COST_DEBUG)
      for (const [what, u] of writes) process.stderr.write(`${mode} ${due} ${what}: item ${u.item / n} + index ${u.index / n} WRU\n`);
    expect(w.arrivals).toHaveLength(n);
    const sum = (r: Record<string, number>) => Object.entries(r).reduce((a, [k, v]) => (k === 'sweep' ? a : a + v), 0);
    const per = (x: number) => Math.round((x / n) * 10_000) / 10_000;
    return {
      apiGatewayRequests: per(w.ops.get('lambda.api')),
      lambdaInvocations: per(w.ops.total('lambda.')),
      lambdaGbSeconds: per(Object.entries(ms).reduce((gbMs, [fn, d]) => gbMs + d * memoryGb[fn as keyof typeof ms], 0) / 1000),
      dynamodbWru: per(sum(units.wru)),
      dynamodbRru: per(sum(units.rru)),
      sqsRequests: per(w.ops.total('sqs.') - w.ops.get('sqs.ReceiveMessage.empty')),
      schedulerInvocations: per(w.ops.get('scheduler.invocation')),
    };
  } finally {
    await w.close();
  }
};

it('counts the AWS operations per delivered message: single and batched, due soon and later', async () => {
  expect(Buffer.byteLength(JSON.stringify(payload))).toBe(1024);
  if (process.env.COST_DEBUG) process.stderr.write(`payload: 1024 bytes, packed alone ${packText(JSON.stringify(payload)).length}\n`);
  const figures = {
    single: { soon: await count('single', 'soon'), later: await count('single', 'later') },
    batch: { soon: await count('batch', 'soon'), later: await count('batch', 'later') },
  };
  process.stdout.write(`AWS-OPS ${JSON.stringify(figures)}\n`);
  // What holds for any design: one API request per message created alone, a hundredth batched; a delivery at least.
  expect(figures.single.soon.apiGatewayRequests).toBe(1);
  expect(figures.batch.later.apiGatewayRequests).toBe(1 / n);
  for (const f of [figures.single.soon, figures.single.later, figures.batch.soon, figures.batch.later]) {
    expect(f.dynamodbWru).toBeGreaterThanOrEqual(2);
    expect(f.lambdaInvocations).toBeGreaterThan(f.apiGatewayRequests);
  }
});
