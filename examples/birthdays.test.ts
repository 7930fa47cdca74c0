import { runExample } from '../test/support/examples';
import { type LocalPunctual, newTenant, startPunctual } from '../test/support/punctual';
import { type Receiver, startReceiver } from '../test/support/receiver';

/** The next instant, after now, of a yearly UTC month/day/time: the year rolls over once this year's has passed. */
const nextYearly = (month: number, day: number, hour: number, minute: number): string => {
  const now = Date.now();
  const year = new Date(now).getUTCFullYear();
  const thisYear = Date.UTC(year, month - 1, day, hour, minute);
  return new Date(thisYear > now ? thisYear : Date.UTC(year + 1, month - 1, day, hour, minute)).toISOString();
};

describe('examples/birthdays.ts', () => {
  let server: LocalPunctual;
  let receiver: Receiver;
  beforeAll(async () => {
    server = await startPunctual();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("schedules each greeting at 09:00 in the recipient's zone, and a triggered run delivers it", async () => {
    const { control, controlKey } = await newTenant(server);
    const lines = await runExample('birthdays.ts', [`${receiver.url}/birthdays`], {
      PUNCTUAL_URL: server.baseUrl,
      PUNCTUAL_API_KEY: controlKey,
    });
    const schedules = lines.map((l) => JSON.parse(l) as { name: string; scheduleId: string; nextRunAt: string });

    // 09:00 local time, in UTC: Paris in January is UTC+1, New York in July UTC-4, Tokyo UTC+9, Kolkata UTC+5:30.
    expect(schedules.map(({ name, nextRunAt }) => [name, nextRunAt])).toEqual([
      ['Ana', nextYearly(1, 15, 8, 0)],
      ['Ben', nextYearly(7, 20, 13, 0)],
      ['Chiyo', nextYearly(12, 1, 0, 0)],
      ['Dev', nextYearly(3, 5, 3, 30)],
    ]);

    for (const s of schedules) await control.schedules.trigger(s.scheduleId);
    const got = await receiver.waitFor('/birthdays', schedules.length);
    const bySchedule = new Map(got.map((r) => [r.headers['punctual-schedule-id'], JSON.parse(r.body)]));
    for (const s of schedules) expect(bySchedule.get(s.scheduleId)).toMatchObject({ type: 'birthday', name: s.name });
  }, 60_000);
});
