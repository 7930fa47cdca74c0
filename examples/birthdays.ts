// Birthday greetings at 09:00 in each recipient's own timezone: one yearly schedule per recipient,
// `cron(0 9 <day> <month> ? *)` evaluated in that recipient's zone, so Ana in Paris and Ben in New York
// each get theirs at nine in the morning where they live, daylight saving time included.
//
// Run against `npm start`, with a control key and a receiver on port 4000 as in the README's quickstart:
//   PUNCTUAL_API_KEY=<control key> npx tsx examples/birthdays.ts http://127.0.0.1:4000/birthdays
// It creates an app for that URL and a schedule per recipient, and prints one JSON line per schedule.
// To see a greeting now rather than on the day: `p.schedules.trigger(scheduleId)`.
// (PUNCTUAL_URL overrides the default http://127.0.0.1:3000.)
import { Punctual } from '@punctual/sdk';

const recipients = [
  { name: 'Ana', email: 'ana@example.com', birthday: '01-15', timezone: 'Europe/Paris' },
  { name: 'Ben', email: 'ben@example.com', birthday: '07-20', timezone: 'America/New_York' },
  { name: 'Chiyo', email: 'chiyo@example.com', birthday: '12-01', timezone: 'Asia/Tokyo' },
  { name: 'Dev', email: 'dev@example.com', birthday: '03-05', timezone: 'Asia/Kolkata' },
];

const main = async (): Promise<void> => {
  const apiKey = process.env.PUNCTUAL_API_KEY;
  if (!apiKey) throw new Error('set PUNCTUAL_API_KEY to a control key');
  const p = new Punctual({ baseUrl: process.env.PUNCTUAL_URL ?? 'http://127.0.0.1:3000', apiKey });
  const url = process.argv[2] ?? 'http://127.0.0.1:4000/birthdays';

  const app = await p.apps.create({ name: 'birthdays', target: { type: 'http', url } });
  for (const r of recipients) {
    const [month, day] = r.birthday.split('-').map(Number);
    const schedule = await p.schedules.create({
      appId: app.id,
      name: `birthday of ${r.name}`,
      expression: `cron(0 9 ${day} ${month} ? *)`,
      timezone: r.timezone,
      payload: { type: 'birthday', name: r.name, email: r.email },
    });
    console.log(JSON.stringify({ name: r.name, timezone: r.timezone, scheduleId: schedule.id, nextRunAt: schedule.nextRunAt }));
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
