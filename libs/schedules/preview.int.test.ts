import { ManualClock } from '../domain/clock';
import { InvalidExpressionError, InvalidTimezoneError } from '../domain/errors';
import type { Principal } from '../keys/model';
import { openHarnessWithApp, type Harness, type tempDir } from '../../test/support/schedules-harness';

const DAY = 86_400_000;

/**
 * The preview lists the instants a schedule created with the same fields then runs at: checked by running the
 * materialiser through DST weeks on a fake clock and comparing its runs with the preview taken at the start.
 */
describe('ScheduleService.preview', () => {
  let clock: ManualClock;
  let dir: ReturnType<typeof tempDir>;
  let h: Harness;
  let p: Principal;
  let appId: string;

  const open = async (at: number) => {
    clock = new ManualClock(at);
    ({ dir, h, p, appId } = await openHarnessWithApp(clock));
  };
  afterEach(async () => {
    await h.close();
    dir.remove();
  });

  /** Runs a schedule with these fields from `from` until `count` runs exist; returns their instants. */
  const runsOf = async (expression: string, timezone: string, count: number): Promise<number[]> => {
    const s = await h.schedules.create(p, { appId, name: 'dst', expression, timezone, payload: {} });
    for (let i = 0; i < count; i++) {
      const next = (await h.schedules.get(p, s.id)).nextRunAt!;
      clock.set(next - 5_000); // within the materialiser's 10 s horizon
      await h.materializer.tick();
    }
    return (await h.runs(p, s.id)).map((m) => m.sendAt);
  };

  it.each([
    // New York springs forward on Sunday 2026-03-08 (02:00 → 03:00: 02:30 does not exist that day) and falls back on
    // Sunday 2026-11-01 (01:00–02:00 happens twice: 01:30 runs once, at the first).
    ['America/New_York', 'cron(30 2 * * ? *)', '2026-03-05T00:00:00Z'],
    ['America/New_York', 'cron(30 1 * * ? *)', '2026-10-29T00:00:00Z'],
    ['America/New_York', 'cron(0 * * * ? *)', '2026-11-01T03:00:00Z'],
    // London springs forward on Sunday 2026-03-29 (01:00 → 02:00) and falls back on Sunday 2026-10-25 (01:00–02:00 twice).
    ['Europe/London', 'cron(30 1 * * ? *)', '2026-03-26T00:00:00Z'],
    ['Europe/London', 'cron(30 1 * * ? *)', '2026-10-22T00:00:00Z'],
    ['Europe/London', 'cron(15 * * * ? *)', '2026-10-24T22:00:00Z'],
    ['Europe/London', 'cron(0 9 ? * MON-FRI *)', '2026-03-26T00:00:00Z'],
  ])('in %s, %s from %s gives the instants the schedule runs at', async (timezone, expression, from) => {
    await open(Date.parse(from));
    const preview = h.schedules.preview({ expression, timezone, count: 7 });
    expect(preview).toHaveLength(7);
    expect(await runsOf(expression, timezone, 7)).toEqual(preview);
  });

  it('skips the spring-forward gap and runs a repeated time once, as EventBridge does', async () => {
    await open(Date.UTC(2026, 2, 5));
    const ny = h.schedules.preview({ expression: 'cron(30 2 * * ? *)', timezone: 'America/New_York', count: 5 });
    // 02:30 EST is 07:30Z; from the 8th it would be EDT, but that day has no 02:30, and the 9th's is 06:30Z.
    expect(ny.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-05T07:30:00.000Z',
      '2026-03-06T07:30:00.000Z',
      '2026-03-07T07:30:00.000Z',
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
    await h.close();
    dir.remove();
    await open(Date.UTC(2026, 9, 24, 22));
    const london = h.schedules.preview({
      expression: 'cron(15 * * * ? *)',
      timezone: 'Europe/London',
      count: 6,
      startAt: '2026-10-24T23:00:00Z',
    });
    // 01:15 BST (00:15Z) runs; the second 01:15 (GMT, 01:15Z) does not.
    expect(london.map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-24T23:15:00.000Z',
      '2026-10-25T00:15:00.000Z',
      '2026-10-25T02:15:00.000Z',
      '2026-10-25T03:15:00.000Z',
      '2026-10-25T04:15:00.000Z',
      '2026-10-25T05:15:00.000Z',
    ]);
  });

  it('lists from startAt, counts rate() from it, and stops at endAt', async () => {
    await open(Date.UTC(2026, 5, 1));
    const startAt = '2026-06-10T08:00:00Z';
    expect(h.schedules.preview({ expression: 'rate(90 minutes)', startAt, count: 3 })).toEqual([
      Date.parse(startAt),
      Date.parse(startAt) + 90 * 60_000,
      Date.parse(startAt) + 180 * 60_000,
    ]);
    const endAt = new Date(Date.parse(startAt) + 2 * DAY).toISOString();
    expect(h.schedules.preview({ expression: 'cron(0 9 * * ? *)', startAt, endAt, count: 50 })).toHaveLength(2);
    expect(h.schedules.preview({ expression: 'cron(0 9 * * ? *)' })).toHaveLength(5);
  });

  it('refuses what schedule creation refuses, with the same errors', async () => {
    await open(Date.UTC(2026, 5, 1));
    const both = async (input: { expression: string; timezone?: string; startAt?: string; endAt?: string }) => {
      let created: unknown;
      try {
        await h.schedules.create(p, { appId, name: 'x', payload: {}, ...input });
      } catch (err) {
        created = err;
      }
      let previewed: unknown;
      try {
        h.schedules.preview(input);
      } catch (err) {
        previewed = err;
      }
      expect(previewed).toBeDefined();
      expect(previewed).toEqual(created);
      expect((previewed as Error).constructor).toBe((created as Error).constructor);
      return previewed;
    };
    expect(await both({ expression: 'rate(30 seconds)' })).toBeInstanceOf(InvalidExpressionError);
    expect(await both({ expression: 'cron(0 9 * * ? *)', timezone: 'Mars/Olympus' })).toBeInstanceOf(InvalidTimezoneError);
    await both({ expression: 'at(2026-01-01T09:00:00)' }); // in the past
    await both({ expression: 'cron(0 9 * * ? *)', startAt: '2026-07-01T00:00:00Z', endAt: '2026-06-20T00:00:00Z' });
    await both({ expression: 'cron(0 9 * * ? 2025)' }); // no occurrence left
  });
});
