import type { ServerResponse } from 'node:http';
import { ManualClock } from '../domain/clock';
import { TimerEngine } from '../engine/timer/engine';
import type { Principal } from '../keys/model';
import type { Message } from '../messages/model';
import { createLogger } from '../observability/logger';
import { eventually } from '../../test/support/eventually';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { openHarnessWithApp, type Harness, type tempDir } from '../../test/support/schedules-harness';
import { toScheduleDto } from './dto';
import { scheduleRunVet } from './overlap';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('overlap: "skip" (SQLite, the embedded engine, a real slow receiver, fake clock)', () => {
  let clock: ManualClock;
  let dir: ReturnType<typeof tempDir>;
  let h: Harness;
  let p: Principal;
  let appId: string;
  let receiver: Receiver;
  let engine: TimerEngine;
  /** The receiver's answers held back (the slow run), answered when the test says. */
  const held: ServerResponse[] = [];

  beforeEach(async () => {
    clock = new ManualClock(T0);
    ({ dir, h, p, appId } = await openHarnessWithApp(clock));
    receiver = await startReceiver();
    // The first run's request hangs until released; the others are answered at once.
    receiver.respond('/job', (_req, n, res) => {
      if (n === 1) return void held.push(res);
      return { status: 200, body: 'done' };
    });
    engine = new TimerEngine({
      messages: h.stores.messages,
      apps: h.stores.apps,
      deliver: async (req) => {
        const started = Date.now();
        const res = await fetch(`${receiver.url}/job`, { method: 'POST', body: req.payload });
        return {
          kind: res.ok ? 'success' : 'retry',
          statusCode: res.status,
          durationMs: Date.now() - started,
          responseBody: await res.text(),
        };
      },
      clock,
      logger: createLogger('silent'),
      vet: scheduleRunVet(h.stores.schedules, h.stores.messages),
    });
    await engine.start();
  });
  afterEach(async () => {
    for (const res of held.splice(0)) res.end();
    await engine.close();
    await receiver.close();
    await h.close();
    dir.remove();
  });

  const status = async (m: Message) => (await h.stores.messages.get(p.tenantId, m.id))?.status;
  const until = (m: Message, wanted: string) => eventually(async () => ((await status(m)) === wanted ? true : undefined));

  /** Materialises the occurrence at `at` (a few seconds ahead, as the materialiser does), then lets it come due. */
  const occur = async (scheduleId: string, at: number): Promise<Message> => {
    clock.set(at - 5_000);
    await h.materializer.tick();
    const run = (await h.runs(p, scheduleId)).find((r) => r.sendAt === at)!;
    clock.set(at);
    await engine.enqueue([{ id: run.id, tenantId: p.tenantId, dueAt: at }]);
    return run;
  };

  it('skips the occurrences due while the previous run is still delivering, counts them, and runs the next one after', async () => {
    const s = await h.schedules.create(p, {
      appId,
      name: 'AI job',
      expression: 'rate(1 minute)',
      startAt: new Date(T0 + MIN).toISOString(),
      payload: { job: 'summarise' },
      overlap: 'skip',
    });
    expect(s.overlap).toBe('skip');
    const first = await occur(s.id, T0 + MIN);
    await receiver.waitFor('/job', 1);
    expect(await status(first)).toBe('delivering');

    const second = await occur(s.id, T0 + 2 * MIN);
    await until(second, 'aborted');
    const third = await occur(s.id, T0 + 3 * MIN);
    await until(third, 'aborted');
    expect(receiver.on('/job')).toHaveLength(1);

    held.shift()!.end('finally done');
    await until(first, 'delivered');
    const fourth = await occur(s.id, T0 + 4 * MIN);
    await until(fourth, 'delivered');

    const runs = await h.runs(p, s.id);
    expect(runs.map((r) => r.status)).toEqual(['delivered', 'aborted', 'aborted', 'delivered']);
    expect(runs[1].lastError).toBe(`skipped: the previous run ${first.id} is still delivering (overlap: "skip")`);
    expect(runs[2].lastError).toBe(`skipped: the previous run ${first.id} is still delivering (overlap: "skip")`);
    const after = (await h.stores.schedules.get(p.tenantId, s.id))!;
    expect(after.lastSkip).toMatchObject({ runAt: T0 + 3 * MIN, reason: runs[2].lastError });
    expect(toScheduleDto(after, clock.now()).stats).toMatchObject({
      runs: 2,
      succeeded: 2,
      failed: 0,
      skipped: 2,
      lastStatus: 'delivered',
    });
  });

  it('runs every occurrence with overlap "allow" (the default), however slow the previous run', async () => {
    const s = await h.schedules.create(p, {
      appId,
      name: 'overlapping',
      expression: 'rate(1 minute)',
      startAt: new Date(T0 + MIN).toISOString(),
      payload: {},
    });
    const first = await occur(s.id, T0 + MIN);
    await receiver.waitFor('/job', 1);
    const second = await occur(s.id, T0 + 2 * MIN);
    await until(second, 'delivered');
    expect(await status(first)).toBe('delivering');
    expect(toScheduleDto((await h.stores.schedules.get(p.tenantId, s.id))!, clock.now()).stats).toMatchObject({ skipped: 0 });
  });
});
