import { ManualClock } from '../../domain/clock';
import type { Principal } from '../../keys/model';
import { createLogger } from '../../observability/logger';
import { misfireVet } from '../../schedules/misfire';
import { openHarnessWithApp, type Harness, type tempDir } from '../../../test/support/schedules-harness';
import { TimerEngine } from './engine';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('TimerEngine with the misfire vet (SQLite, fake clock)', () => {
  let clock: ManualClock;
  let dir: ReturnType<typeof tempDir>;
  let h: Harness;
  let p: Principal;
  let appId: string;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    ({ dir, h, p, appId } = await openHarnessWithApp(clock));
  });
  afterEach(async () => {
    await h.close();
    dir.remove();
  });

  it('aborts a vetoed run with the reason instead of delivering it', async () => {
    const s = await h.schedules.create(p, {
      appId,
      name: 'every 5',
      expression: 'rate(5 minutes)',
      payload: { n: 1 },
      misfireGraceSeconds: 60,
    });
    await h.materializer.tick(); // the 12:00 run, never delivered: the service "stops" here
    clock.set(T0 + 4 * MIN); // back 4 minutes later, before the materialiser catches up
    const delivered: string[] = [];
    const engine = new TimerEngine({
      messages: h.stores.messages,
      apps: h.stores.apps,
      deliver: async (req) => {
        delivered.push(req.messageId);
        return { kind: 'success', statusCode: 200, durationMs: 1 };
      },
      clock,
      logger: createLogger('silent'),
      vet: misfireVet(h.stores.schedules),
    });
    await engine.start();
    const [run] = await h.runs(p, s.id);
    for (let i = 0; i < 200 && (await h.stores.messages.get(p.tenantId, run.id))?.status !== 'aborted'; i++)
      await new Promise((r) => setTimeout(r, 10));
    await engine.close();
    expect(await h.stores.messages.get(p.tenantId, run.id)).toMatchObject({
      status: 'aborted',
      lastError: expect.stringMatching(/misfireGraceSeconds/),
    });
    expect(delivered).toEqual([]);
  });
});
