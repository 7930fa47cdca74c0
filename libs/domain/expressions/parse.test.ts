import { InvalidExpressionError } from '../errors';
import { parseExpression } from './parse';

const messageOf = (expression: string, timezone?: string): string => {
  try {
    parseExpression(expression, { timezone });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidExpressionError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${expression}`);
};

describe('parseExpression', () => {
  describe('valid expressions', () => {
    it.each([
      // [input, kind, normalised]
      ['at(2027-03-14T09:00:00)', 'at', 'at(2027-03-14T09:00:00)'],
      ['  at( 2027-03-14T09:00:00 ) ', 'at', 'at(2027-03-14T09:00:00)'],
      ['rate(1 minute)', 'rate', 'rate(1 minute)'],
      ['rate(5 minutes)', 'rate', 'rate(5 minutes)'],
      ['rate(1 hour)', 'rate', 'rate(1 hour)'],
      ['rate(12 hours)', 'rate', 'rate(12 hours)'],
      ['rate(1 day)', 'rate', 'rate(1 day)'],
      ['rate(7   days)', 'rate', 'rate(7 days)'],
      ['cron(0 10 * * ? *)', 'cron', 'cron(0 10 * * ? *)'],
      ['cron(15 12 * * ? *)', 'cron', 'cron(15 12 * * ? *)'],
      ['cron(0 18 ? * MON-FRI *)', 'cron', 'cron(0 18 ? * MON-FRI *)'],
      ['cron(0 8 1 * ? *)', 'cron', 'cron(0 8 1 * ? *)'],
      ['cron(0/15 * * * ? *)', 'cron', 'cron(0/15 * * * ? *)'],
      ['cron(0/10 * ? * MON-FRI *)', 'cron', 'cron(0/10 * ? * MON-FRI *)'],
      ['cron(0/5 8-17 ? * MON-FRI *)', 'cron', 'cron(0/5 8-17 ? * MON-FRI *)'],
      ['cron(0 9 ? * 2#1 *)', 'cron', 'cron(0 9 ? * 2#1 *)'],
      ['cron(0 9 ? * mon#1 *)', 'cron', 'cron(0 9 ? * MON#1 *)'],
      ['cron(0 0 L * ? *)', 'cron', 'cron(0 0 L * ? *)'],
      ['cron(0 0 LW * ? *)', 'cron', 'cron(0 0 LW * ? *)'],
      ['cron(0 0 15W * ? *)', 'cron', 'cron(0 0 15W * ? *)'],
      ['cron(0 0 ? * 6L *)', 'cron', 'cron(0 0 ? * 6L *)'],
      ['cron(0 0 ? * FRIL *)', 'cron', 'cron(0 0 ? * FRIL *)'],
      ['cron(0 0 ? * L *)', 'cron', 'cron(0 0 ? * L *)'],
      ['cron(0 0 1,15 JAN,JUL ? 2026-2030)', 'cron', 'cron(0 0 1,15 JAN,JUL ? 2026-2030)'],
      ['cron(*/20 */6 1/2 1-12/3 ? 2000/5)', 'cron', 'cron(*/20 */6 1/2 1-12/3 ? 2000/5)'],
      ['cron(0 0 29 2 ? *)', 'cron', 'cron(0 0 29 2 ? *)'],
      ['cron(0 9 ? * SUN,SAT *)', 'cron', 'cron(0 9 ? * SUN,SAT *)'],
    ])('%s is a %s expression normalised to %s', (input, kind, normalised) => {
      const parsed = parseExpression(input);

      expect(parsed.kind).toBe(kind);
      expect(parsed.expression).toBe(normalised);
    });

    it('gives rate() its period in absolute milliseconds', () => {
      expect(parseExpression('rate(5 minutes)')).toMatchObject({ value: 5, unit: 'minute', periodMs: 300_000 });
      expect(parseExpression('rate(2 days)')).toMatchObject({ value: 2, unit: 'day', periodMs: 172_800_000 });
    });

    it('gives at() its wall-clock fields', () => {
      expect(parseExpression('at(2027-03-14T09:00:00)')).toMatchObject({
        local: { year: 2027, month: 3, day: 14, hour: 9, minute: 0, second: 0 },
      });
    });
  });

  describe('5-field Unix cron', () => {
    it.each([
      ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
      ['0 9 * * MON-FRI', 'cron(0 9 ? * 2-6 *)'],
      ['30 6 * * *', 'cron(30 6 * * ? *)'],
      ['0 0 1 * *', 'cron(0 0 1 * ? *)'],
      ['0 0 */2 * *', 'cron(0 0 */2 * ? *)'],
      ['*/15 * * * *', 'cron(*/15 * * * ? *)'],
      ['0 20 * * 0', 'cron(0 20 ? * 1 *)'],
      ['0 20 * * 7', 'cron(0 20 ? * 1 *)'],
      ['0 20 * * 5-7', 'cron(0 20 ? * 1,6,7 *)'],
      ['0 20 * * 0,6', 'cron(0 20 ? * 1,7 *)'],
      ['0 20 * * */2', 'cron(0 20 ? * 1,3,5,7 *)'],
      ['0 20 * * 0-6', 'cron(0 20 ? * * *)'],
      ['0 9 15 3 *', 'cron(0 9 15 3 ? *)'],
      ['0 9 * jan,jul sun', 'cron(0 9 ? JAN,JUL 1 *)'],
    ])('%s becomes %s', (input, normalised) => {
      expect(parseExpression(input).expression).toBe(normalised);
    });
  });

  describe('invalid expressions', () => {
    it.each([
      ['cron(0 9 * * *)', 'cron() needs 6 fields: minutes hours day-of-month month day-of-week year; got 5'],
      ['cron()', 'cron() needs 6 fields: minutes hours day-of-month month day-of-week year; got 0'],
      ['cron(75 9 * * ? *)', 'cron() minutes "75" is invalid: 75 is outside 0-59'],
      ['cron(0 24 * * ? *)', 'cron() hours "24" is invalid: 24 is outside 0-23'],
      ['cron(0 9 32 * ? *)', 'cron() day-of-month "32" is invalid: 32 is outside 1-31'],
      ['cron(0 9 ? * 0 *)', 'cron() day-of-week "0" is invalid: 0 is outside 1-7 (1 = SUN, 7 = SAT)'],
      ['cron(0 9 * * ? 1969)', 'cron() year "1969" is invalid: 1969 is outside 1970-2199'],
      ['cron(0 9 * * MON *)', 'cron() needs ? in day-of-month or in day-of-week, as EventBridge cannot restrict both; got "*" and "MON"'],
      ['cron(0 9 * * * *)', 'cron() needs ? in day-of-month or in day-of-week, as EventBridge cannot restrict both; got "*" and "*"'],
      ['cron(0 9 ? * ? *)', 'cron() day-of-month and day-of-week cannot both be ?; put * or a value in one of them'],
      ['cron(0 0 30 2 ? *)', 'cron() day-of-month "30" never occurs in month "2" (FEB)'],
      ['cron(0 0 31 APR,JUN ? *)', 'cron() day-of-month "31" never occurs in month "APR,JUN" (APR,JUN)'],
      [
        'rate(30 seconds)',
        'rate(30 seconds) is too frequent: EventBridge Scheduler runs at most once a minute, so the shortest rate is rate(1 minute)',
      ],
      ['rate(1 minutes)', 'rate() with 1 takes the singular unit: rate(1 minute)'],
      ['rate(5 minute)', 'rate() with 5 takes the plural unit: rate(5 minutes)'],
      ['rate(0 minutes)', 'rate() value must be a whole number of at least 1; got "0"'],
      [
        '0 9 1 * 1',
        'Unix cron restricts both day-of-month "1" and day-of-week "1", and runs on days matching either; ' +
          'EventBridge cannot express that, so set one of them to * or use two schedules',
      ],
      ['at(2027-02-29T09:00:00)', 'at() 2027-02-29 is not a date: February 2027 has 28 days'],
    ])('%s: %s', (input, message) => {
      expect(messageOf(input)).toBe(message);
    });

    it.each([
      ['', /expression is empty/],
      ['   ', /expression is empty/],
      ['every(5 minutes)', /unknown expression "every\(\.\.\.\)"/],
      ['cron(0 9 * * ? *', /missing its closing parenthesis/],
      ['0 9 * * ? *', /without the cron\(\.\.\.\) wrapper must be a 5-field Unix cron .*got 6 fields/],
      ['0 9 * *', /got 4 fields/],
      ['rate(1.5 hours)', /rate\(\) value must be a whole number/],
      ['rate(-1 hours)', /rate\(\) value must be a whole number/],
      ['rate(2 weeks)', /rate\(\) unit must be minute\(s\), hour\(s\) or day\(s\); got "weeks"/],
      ['rate(1 second)', /shortest rate is rate\(1 minute\)/],
      ['rate(5)', /rate\(\) needs a value and a unit/],
      ['rate(99999999999999999 days)', /too large/],
      ['cron(0 9 ? * FRI-MON *)', /day-of-week "FRI-MON" is invalid: the range FRI-MON runs backwards/],
      ['cron(0 22-2 * * ? *)', /hours "22-2" is invalid: .*write 22-23,0-2/],
      ['cron(0 9 ? * */2 *)', /day-of-week does not take \/ steps/],
      ['cron(0 9 ? * 3#6 *)', /1st to 5th/],
      ['cron(0 9 ? * 3#1,6#3 *)', /# stands alone/],
      ['cron(0 9 L,15 * ? *)', /L and W stand alone/],
      ['cron(0 9 W * ? *)', /L and W stand alone/],
      ['cron(0 9 32W * ? *)', /day 32 is outside 1-31/],
      ['cron(0 9 ? * 5L,1 *)', /L stands alone/],
      ['cron(0 9 ? * 8L *)', /8 is outside 1-7/],
      ['cron(0 9 * JANX ? *)', /month "JANX" is invalid: "JANX" is not a number or a name JAN-DEC/],
      ['cron(0 9 ? * MON-XYZ *)', /"XYZ" is not a number or a name SUN-SAT/],
      ['cron(0 9 * * ? 2000/0)', /step after \/ must be a whole number from 1 to 230/],
      ['cron(0/0 9 * * ? *)', /step after \/ must be a whole number from 1 to 60/],
      ['cron(0 9 *,5 * ? *)', /\* cannot be part of a list/],
      ['cron(0 9 1,,2 * ? *)', /empty item/],
      ['cron(0 9 1-2-3 * ? *)', /"1-2-3" is not a range/],
      ['cron(0 9 L * ? *L)', /year/],
      ['cron(0 ? * * ? *)', /\? is only allowed in day-of-month and day-of-week/],
      ['cron(0 9 * * L *)', /needs \? in day-of-month or in day-of-week/],
      ['cron(-5 9 * * ? *)', /minutes "-5" is invalid: a number is missing/],
      ['0 9 * * L', /Unix cron day-of-week "L" is invalid: L, W, # and \? are EventBridge extensions/],
      ['0 9 15W * *', /Unix cron day-of-month "15W"/],
      ['0 9 * * 8', /Unix cron day-of-week "8" is invalid: 8 is outside 0-7 \(0 or 7 = SUN, 6 = SAT\)/],
      ['61 9 * * *', /Unix cron minute "61" is invalid: 61 is outside 0-59/],
      ['at(2027-03-14 09:00:00)', /at\(\) expected yyyy-mm-ddThh:mm:ss/],
      ['at(2027-03-14T09:00)', /at\(\) expected yyyy-mm-ddThh:mm:ss/],
      ['at(2027-13-01T09:00:00)', /at\(\) month 13 is outside 01-12/],
      ['at(2027-01-01T24:00:00)', /at\(\) hour 24 is outside 00-23/],
      ['at(2027-01-01T09:60:00)', /at\(\) minute 60 is outside 00-59/],
      ['at(2027-01-01T09:00:60)', /at\(\) second 60 is outside 00-59/],
      ['at(1969-12-31T23:59:59)', /at\(\) year 1969 is outside 1970-2199/],
    ])('rejects %j', (input, message) => {
      expect(messageOf(input)).toMatch(message);
    });

    it('carries one issue on the expression field', () => {
      expect(() => parseExpression('cron(0 9 * * *)')).toThrow(
        expect.objectContaining({
          name: 'InvalidExpressionError',
          issues: [{ path: 'expression', issue: 'cron() needs 6 fields: minutes hours day-of-month month day-of-week year; got 5' }],
        }),
      );
    });
  });

  describe('with a timezone', () => {
    it('rejects an at() the clocks skip over', () => {
      expect(messageOf('at(2025-03-09T02:30:00)', 'America/New_York')).toBe(
        'at(2025-03-09T02:30:00) does not exist in America/New_York: the clocks skip that time (daylight saving or an offset change)',
      );
    });

    it('accepts an at() that happens twice, and one in a zone without DST', () => {
      expect(parseExpression('at(2025-11-02T01:30:00)', { timezone: 'America/New_York' }).kind).toBe('at');
      expect(parseExpression('at(2025-03-09T02:30:00)', { timezone: 'Asia/Kolkata' }).kind).toBe('at');
    });

    it('rejects an unknown timezone', () => {
      expect(() => parseExpression('rate(1 day)', { timezone: 'Mars/Olympus' })).toThrow(
        'unknown timezone "Mars/Olympus"; use an IANA name such as "America/New_York"',
      );
    });
  });
});
