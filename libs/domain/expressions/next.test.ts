import { Cron } from 'croner';
import { InvalidTimezoneError } from '../errors';
import { nextOccurrence, occurrencesBetween } from './next';
import { parseExpression } from './parse';

const at = (iso: string): number => Date.parse(iso);
const isos = (instants: number[]): string[] => instants.map((ms) => new Date(ms).toISOString().replace('.000Z', 'Z'));
/** The first `count` occurrences after `from`, as ISO instants. */
const firstRuns = (expression: string, tz: string, from: string, count: number, anchor?: string): string[] =>
  isos(occurrencesBetween(expression, tz, at(from), at('2200-01-01T00:00:00Z'), count, { anchorMs: anchor ? at(anchor) : undefined }));

describe('nextOccurrence', () => {
  describe('AWS EventBridge documentation examples (UTC)', () => {
    // 2025-01-01 is a Wednesday.
    it.each([
      ['cron(0 10 * * ? *)', '2025-01-01T00:00:00Z', ['2025-01-01T10:00:00Z', '2025-01-02T10:00:00Z', '2025-01-03T10:00:00Z']],
      ['cron(15 12 * * ? *)', '2025-01-01T00:00:00Z', ['2025-01-01T12:15:00Z', '2025-01-02T12:15:00Z', '2025-01-03T12:15:00Z']],
      ['cron(0 18 ? * MON-FRI *)', '2025-01-02T18:00:00Z', ['2025-01-03T18:00:00Z', '2025-01-06T18:00:00Z', '2025-01-07T18:00:00Z']],
      ['cron(0 8 1 * ? *)', '2025-01-01T00:00:00Z', ['2025-01-01T08:00:00Z', '2025-02-01T08:00:00Z', '2025-03-01T08:00:00Z']],
      [
        'cron(0/15 * * * ? *)',
        '2025-01-01T00:00:00Z',
        ['2025-01-01T00:15:00Z', '2025-01-01T00:30:00Z', '2025-01-01T00:45:00Z', '2025-01-01T01:00:00Z'],
      ],
      ['cron(0/10 * ? * MON-FRI *)', '2025-01-03T23:40:00Z', ['2025-01-03T23:50:00Z', '2025-01-06T00:00:00Z', '2025-01-06T00:10:00Z']],
      ['cron(0/5 8-17 ? * MON-FRI *)', '2025-01-03T17:50:00Z', ['2025-01-03T17:55:00Z', '2025-01-06T08:00:00Z', '2025-01-06T08:05:00Z']],
      [
        'cron(0 9 ? * 2#1 *)',
        '2025-01-01T00:00:00Z',
        ['2025-01-06T09:00:00Z', '2025-02-03T09:00:00Z', '2025-03-03T09:00:00Z', '2025-04-07T09:00:00Z'],
      ],
    ])('%s after %s', (expression, from, expected) => {
      expect(firstRuns(expression, 'UTC', from, expected.length)).toEqual(expected);
    });
  });

  describe('seed use cases', () => {
    it('daily cron(0 6 * * ? *) in America/New_York follows the wall clock across spring forward', () => {
      expect(firstRuns('cron(0 6 * * ? *)', 'America/New_York', '2025-03-08T00:00:00Z', 3)).toEqual([
        '2025-03-08T11:00:00Z', // 06:00 EST
        '2025-03-09T10:00:00Z', // 06:00 EDT
        '2025-03-10T10:00:00Z',
      ]);
    });

    it('weekly cron(0 20 ? * SUN *) in America/Los_Angeles', () => {
      expect(firstRuns('cron(0 20 ? * SUN *)', 'America/Los_Angeles', '2025-03-01T00:00:00Z', 3)).toEqual([
        '2025-03-03T04:00:00Z', // Sun 2 March 20:00 PST
        '2025-03-10T03:00:00Z', // Sun 9 March 20:00 PDT
        '2025-03-17T03:00:00Z',
      ]);
    });

    it('one-time at(2027-03-14T09:00:00) in America/Los_Angeles (a spring-forward day, after the change)', () => {
      const expression = 'at(2027-03-14T09:00:00)';
      const tz = 'America/Los_Angeles';

      expect(nextOccurrence(expression, tz, at('2027-01-01T00:00:00Z'))).toBe(at('2027-03-14T16:00:00Z'));
      expect(nextOccurrence(expression, tz, at('2027-03-14T16:00:00Z'))).toBeUndefined();
    });

    it('yearly cron(0 9 15 3 ? *) in America/New_York', () => {
      expect(firstRuns('cron(0 9 15 3 ? *)', 'America/New_York', '2025-06-01T00:00:00Z', 2)).toEqual([
        '2026-03-15T13:00:00Z',
        '2027-03-15T13:00:00Z',
      ]);
    });

    it('rate(5 minutes) counts from its anchor', () => {
      expect(firstRuns('rate(5 minutes)', 'UTC', '2025-01-01T00:07:00Z', 3, '2025-01-01T00:01:30Z')).toEqual([
        '2025-01-01T00:11:30Z',
        '2025-01-01T00:16:30Z',
        '2025-01-01T00:21:30Z',
      ]);
    });
  });

  describe('daylight saving time', () => {
    it.each([
      // [zone, expression, from, expected, why]
      [
        'America/New_York',
        'cron(30 2 * * ? *)',
        '2025-03-08T00:00:00Z',
        ['2025-03-08T07:30:00Z', '2025-03-10T06:30:00Z'],
        '02:30 does not exist on 9 March',
      ],
      ['America/New_York', 'cron(0/30 2 * * ? *)', '2025-03-08T07:30:00Z', ['2025-03-10T06:00:00Z'], 'the whole 02:xx hour is skipped'],
      [
        'America/New_York',
        'cron(30 1 * * ? *)',
        '2025-11-01T12:00:00Z',
        ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'],
        '01:30 EDT only, not 01:30 EST',
      ],
      [
        'America/New_York',
        'cron(0/30 1 * * ? *)',
        '2025-11-01T12:00:00Z',
        ['2025-11-02T05:00:00Z', '2025-11-02T05:30:00Z', '2025-11-03T06:00:00Z'],
        'the repeated hour runs once',
      ],
      [
        'Europe/London',
        'cron(30 1 * * ? *)',
        '2025-03-29T00:00:00Z',
        ['2025-03-29T01:30:00Z', '2025-03-31T00:30:00Z'],
        '01:30 does not exist on 30 March',
      ],
      [
        'Europe/London',
        'cron(30 1 * * ? *)',
        '2025-10-25T12:00:00Z',
        ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
        '01:30 BST only, not 01:30 GMT',
      ],
      [
        'Europe/London',
        'cron(0/20 1 ? * SUN *)',
        '2025-10-25T12:00:00Z',
        ['2025-10-26T00:00:00Z', '2025-10-26T00:20:00Z', '2025-10-26T00:40:00Z', '2025-11-02T01:00:00Z'],
        'the repeated hour runs once',
      ],
      [
        'Asia/Kolkata',
        'cron(0 9 * * ? *)',
        '2025-03-08T00:00:00Z',
        ['2025-03-08T03:30:00Z', '2025-03-09T03:30:00Z', '2025-03-10T03:30:00Z'],
        'a fixed +05:30',
      ],
      [
        'Australia/Lord_Howe',
        'cron(15 2 * * ? *)',
        '2025-10-03T00:00:00Z',
        ['2025-10-03T15:45:00Z', '2025-10-05T15:15:00Z'],
        '02:15 does not exist on 5 October (02:00 -> 02:30)',
      ],
      [
        'Australia/Lord_Howe',
        'cron(45 1 * * ? *)',
        '2025-04-05T00:00:00Z',
        ['2025-04-05T14:45:00Z', '2025-04-06T15:15:00Z'],
        '01:45 at +11 only, not again at +10:30',
      ],
      [
        'Australia/Lord_Howe',
        'cron(0/10 1 * * ? *)',
        '2025-04-05T13:55:00Z',
        [
          '2025-04-05T14:00:00Z',
          '2025-04-05T14:10:00Z',
          '2025-04-05T14:20:00Z',
          '2025-04-05T14:30:00Z',
          '2025-04-05T14:40:00Z',
          '2025-04-05T14:50:00Z',
          '2025-04-06T14:30:00Z',
        ],
        'the repeated half hour runs once',
      ],
    ])('%s %s after %s', (tz, expression, from, expected) => {
      expect(firstRuns(expression, tz, from, expected.length)).toEqual(expected);
    });

    it('runs a per-minute cron 60 times, not 120, in the repeated New York hour', () => {
      const runs = occurrencesBetween('cron(* 1 * * ? *)', 'America/New_York', at('2025-11-02T04:00:00Z'), at('2025-11-02T08:00:00Z'));

      expect(runs).toHaveLength(60);
      expect(isos([runs[0], runs[59]])).toEqual(['2025-11-02T05:00:00Z', '2025-11-02T05:59:00Z']);
    });

    it('from inside the second pass of a repeated hour, waits for the next day', () => {
      expect(nextOccurrence('cron(0/30 1 * * ? *)', 'America/New_York', at('2025-11-02T06:10:00Z'))).toBe(at('2025-11-03T06:00:00Z'));
    });

    it('keeps rate(1 day) 24 hours apart in absolute time across a change', () => {
      expect(firstRuns('rate(1 day)', 'America/New_York', '2025-03-08T14:00:00Z', 3, '2025-03-07T14:00:00Z')).toEqual([
        '2025-03-09T14:00:00Z', // 09:00 EST became 10:00 EDT
        '2025-03-10T14:00:00Z',
        '2025-03-11T14:00:00Z',
      ]);
    });

    it('runs an ambiguous at() at the first instant and skips one that does not exist', () => {
      expect(nextOccurrence('at(2025-11-02T01:30:00)', 'America/New_York', 0)).toBe(at('2025-11-02T05:30:00Z'));
      expect(nextOccurrence('at(2025-03-09T02:30:00)', 'America/New_York', 0)).toBeUndefined();
    });

    it('corrects croner, which moves a skipped fixed time and repeats interval times', () => {
      const options = { timezone: 'America/New_York', mode: '7-part', domAndDow: true, paused: true } as const;

      expect(isos([new Cron('0 30 2 * * * *', options).nextRun(new Date(at('2025-03-09T00:00:00Z')))!.getTime()])).toEqual([
        '2025-03-09T07:00:00Z', // 03:00 EDT: croner runs it after the gap; EventBridge skips it
      ]);
      expect(isos(new Cron('0 0,30 1 * * * *', options).nextRuns(4, new Date(at('2025-11-02T00:00:00Z'))).map((d) => d.getTime()))).toEqual(
        [
          '2025-11-02T05:00:00Z',
          '2025-11-02T05:30:00Z',
          '2025-11-02T06:00:00Z', // croner's second pass; EventBridge runs each time once
          '2025-11-02T06:30:00Z',
        ],
      );
    });
  });

  describe('calendar features', () => {
    it.each([
      ['cron(0 0 29 2 ? *)', '2025-01-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']],
      [
        'cron(0 0 L * ? *)',
        '2028-01-15T00:00:00Z',
        ['2028-01-31T00:00:00Z', '2028-02-29T00:00:00Z', '2028-03-31T00:00:00Z', '2028-04-30T00:00:00Z'],
      ],
      // 31 May 2025 is a Saturday, 31 August a Sunday.
      [
        'cron(0 0 LW * ? *)',
        '2025-05-01T00:00:00Z',
        ['2025-05-30T00:00:00Z', '2025-06-30T00:00:00Z', '2025-07-31T00:00:00Z', '2025-08-29T00:00:00Z'],
      ],
      // 15 February 2025 is a Saturday, 15 June a Sunday.
      ['cron(0 0 15W 2,6 ? *)', '2025-01-01T00:00:00Z', ['2025-02-14T00:00:00Z', '2025-06-16T00:00:00Z']],
      // 1 March 2025 is a Saturday: W does not cross into February.
      ['cron(0 0 1W 3 ? *)', '2025-01-01T00:00:00Z', ['2025-03-03T00:00:00Z']],
      ['cron(0 0 ? * 6L *)', '2025-01-01T00:00:00Z', ['2025-01-31T00:00:00Z', '2025-02-28T00:00:00Z', '2025-03-28T00:00:00Z']],
      ['cron(0 0 ? * FRIL *)', '2025-01-01T00:00:00Z', ['2025-01-31T00:00:00Z']],
      ['cron(0 0 ? * L *)', '2025-01-01T00:00:00Z', ['2025-01-04T00:00:00Z', '2025-01-11T00:00:00Z']],
      ['cron(0 0 ? * 3#2 *)', '2025-01-01T00:00:00Z', ['2025-01-14T00:00:00Z', '2025-02-11T00:00:00Z', '2025-03-11T00:00:00Z']],
      ['cron(0 0 ? * MON#5 *)', '2025-01-01T00:00:00Z', ['2025-03-31T00:00:00Z', '2025-06-30T00:00:00Z']],
      ['cron(0 0 ? * 1,7 *)', '2025-01-01T00:00:00Z', ['2025-01-04T00:00:00Z', '2025-01-05T00:00:00Z', '2025-01-11T00:00:00Z']],
      ['cron(0 0 1 1 ? 2000/10)', '2025-01-01T00:00:00Z', ['2030-01-01T00:00:00Z', '2040-01-01T00:00:00Z']],
      ['0 9 * * 1-5', '2025-01-03T09:00:00Z', ['2025-01-06T09:00:00Z']],
    ])('%s after %s', (expression, from, expected) => {
      expect(firstRuns(expression, 'UTC', from, expected.length)).toEqual(expected);
    });

    it('returns undefined once the year field is used up', () => {
      expect(firstRuns('cron(0 0 1 1 ? 2026-2027)', 'UTC', '2025-06-01T00:00:00Z', 5)).toEqual([
        '2026-01-01T00:00:00Z',
        '2027-01-01T00:00:00Z',
      ]);
      expect(nextOccurrence('cron(0 0 1 1 ? 2020)', 'UTC', at('2025-01-01T00:00:00Z'))).toBeUndefined();
      expect(nextOccurrence('cron(0 0 29 2 ? 2025-2027)', 'UTC', at('2025-01-01T00:00:00Z'))).toBeUndefined();
    });

    it('is strictly after afterMs, to the millisecond', () => {
      expect(nextOccurrence('cron(0 10 * * ? *)', 'UTC', at('2025-01-01T10:00:00Z'))).toBe(at('2025-01-02T10:00:00Z'));
      expect(nextOccurrence('cron(0 10 * * ? *)', 'UTC', at('2025-01-01T09:59:59.999Z'))).toBe(at('2025-01-01T10:00:00Z'));
    });
  });

  describe('rate()', () => {
    const parsed = parseExpression('rate(2 hours)');

    it('runs at the anchor when asked from before it', () => {
      expect(nextOccurrence(parsed, 'UTC', 0, { anchorMs: at('2025-01-01T00:00:00Z') })).toBe(at('2025-01-01T00:00:00Z'));
    });

    it('runs a period after an occurrence, not at it', () => {
      expect(nextOccurrence(parsed, 'UTC', at('2025-01-01T04:00:00Z'), { anchorMs: at('2025-01-01T00:00:00Z') })).toBe(
        at('2025-01-01T06:00:00Z'),
      );
    });

    it('throws a TypeError without an anchor', () => {
      expect(() => nextOccurrence(parsed, 'UTC', 0)).toThrow(TypeError);
      expect(() => occurrencesBetween('rate(1 day)', 'UTC', 0, 1)).toThrow(TypeError);
    });
  });

  describe('arguments', () => {
    it('throws InvalidTimezoneError for an unknown zone', () => {
      expect(() => nextOccurrence('cron(0 10 * * ? *)', 'Mars/Olympus', 0)).toThrow(InvalidTimezoneError);
    });

    it('accepts a parsed expression as well as a string', () => {
      const parsed = parseExpression('cron(0 10 * * ? *)');

      expect(nextOccurrence(parsed, 'UTC', 0)).toBe(nextOccurrence('cron(0 10 * * ? *)', 'UTC', 0));
    });
  });
});

describe('occurrencesBetween', () => {
  it('includes toMs and excludes fromMs', () => {
    expect(isos(occurrencesBetween('cron(0 10 * * ? *)', 'UTC', at('2025-01-01T10:00:00Z'), at('2025-01-03T10:00:00Z')))).toEqual([
      '2025-01-02T10:00:00Z',
      '2025-01-03T10:00:00Z',
    ]);
  });

  it('stops at the limit', () => {
    expect(occurrencesBetween('cron(* * * * ? *)', 'UTC', 0, at('2025-01-01T00:00:00Z'), 5)).toHaveLength(5);
  });

  it('defaults to 1,000 occurrences', () => {
    expect(occurrencesBetween('cron(* * * * ? *)', 'UTC', at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toHaveLength(1_000);
  });

  it('is empty for an at() outside the window', () => {
    expect(occurrencesBetween('at(2027-03-14T09:00:00)', 'UTC', 0, at('2026-01-01T00:00:00Z'))).toEqual([]);
  });
});
