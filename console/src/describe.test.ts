import { describeExpression } from './describe';

describe('describeExpression', () => {
  it.each([
    ['cron(0 6 * * ? *)', 'America/New_York', 'every day at 06:00, America/New_York'],
    ['cron(0 9 ? * 2-6 *)', 'UTC', 'every weekday (Monday to Friday) at 09:00, UTC'],
    ['cron(0 20 ? * SUN *)', 'America/Los_Angeles', 'every Sunday at 20:00, America/Los_Angeles'],
    ['cron(30 7 ? * MON,WED,FRI *)', 'UTC', 'every Monday, Wednesday and Friday at 07:30, UTC'],
    ['cron(0 9 15 3 ? *)', 'Europe/Paris', 'every year on 15 March at 09:00, Europe/Paris'],
    ['cron(0 9 1 * ? *)', 'UTC', 'on day 1 of every month at 09:00, UTC'],
    ['cron(0/15 * * * ? *)', 'UTC', 'every 15 minutes, UTC'],
    ['cron(5 * * * ? *)', 'UTC', 'every hour at minute 5, UTC'],
    ['cron(0 L * ? *)', 'UTC', 'cron(0 L * ? *), UTC'],
    ['cron(0 9 ? * 2#1 *)', 'UTC', 'cron(0 9 ? * 2#1 *), UTC'],
    ['at(2027-03-14T09:00:00)', 'America/Los_Angeles', 'once, on 2027-03-14 at 09:00, America/Los_Angeles'],
  ])('%s in %s reads "%s"', (expression, timezone, words) => {
    expect(describeExpression(expression, timezone)).toBe(words);
  });

  it('reads rates without a timezone (they count absolute time)', () => {
    expect(describeExpression('rate(5 minutes)')).toBe('every 5 minutes');
    expect(describeExpression('rate(1 day)')).toBe('every day');
  });
});
