import fc from 'fast-check';
import { dayNames, monthNames } from './fields';
import { occurrencesBetween } from './next';

/** A generated cron field: its text, and (independently) the values it stands for. */
interface GeneratedField {
  token: string;
  values: ReadonlySet<number>;
}

interface GeneratedCron {
  expression: string;
  minutes: GeneratedField;
  hours: GeneratedField;
  dayOfMonth?: GeneratedField;
  month: GeneratedField;
  dayOfWeek?: GeneratedField;
}

const minuteMs = 60_000;
const zones = ['UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];

const span = (from: number, to: number, step = 1): Set<number> => {
  const values = new Set<number>();
  for (let v = from; v <= to; v += step) values.add(v);
  return values;
};

/** Values drawn from min..max; `*` stands for min..fieldMax. */
const fieldArb = (min: number, max: number, name?: (n: number) => string, fieldMax = max): fc.Arbitrary<GeneratedField> => {
  const value = fc.integer({ min, max });
  const show = (n: number, useName: boolean): string => (useName && name ? name(n) : String(n));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ token: '*', values: span(min, fieldMax) }) },
    { weight: 2, arbitrary: fc.tuple(value, fc.boolean()).map(([n, named]) => ({ token: show(n, named), values: new Set([n]) })) },
    {
      weight: 2,
      arbitrary: fc.tuple(value, value, fc.boolean()).map(([a, b, named]) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return { token: `${show(lo, named)}-${show(hi, named)}`, values: span(lo, hi) };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.uniqueArray(value, { minLength: 2, maxLength: 4 }).map((ns) => ({ token: ns.join(','), values: new Set(ns) })),
    },
  );
};

const steppedArb = (min: number, max: number): fc.Arbitrary<GeneratedField> => {
  const step = fc.integer({ min: 1, max: max - min + 1 });
  return fc.oneof(
    fc.tuple(fc.integer({ min, max }), step).map(([from, s]) => ({ token: `${from}/${s}`, values: span(from, max, s) })),
    step.map((s) => ({ token: `*/${s}`, values: span(min, max, s) })),
  );
};

// Hours 1-3 are where clocks change in the zones above, so they are drawn more often.
const dstHourArb = fc.constantFrom(1, 2, 3).map((h) => ({ token: String(h), values: new Set([h]) }));

const cronArb: fc.Arbitrary<GeneratedCron> = fc
  .record({
    minutes: fc.oneof(fieldArb(0, 59), steppedArb(0, 59)),
    hours: fc.oneof(fieldArb(0, 23), steppedArb(0, 23), dstHourArb),
    // Days stop at 28 so that no generated date is impossible (those are rejected at parse time).
    days: fc.oneof(
      fieldArb(1, 28, undefined, 31).map((dayOfMonth) => ({ dayOfMonth, dayOfWeek: undefined })),
      fieldArb(1, 7, (n) => dayNames[n - 1]).map((dayOfWeek) => ({ dayOfMonth: undefined, dayOfWeek })),
    ),
    month: fieldArb(1, 12, (n) => monthNames[n - 1]),
  })
  .map(({ minutes, hours, days, month }) => ({
    expression: `cron(${minutes.token} ${hours.token} ${days.dayOfMonth?.token ?? '?'} ${month.token} ${days.dayOfWeek?.token ?? '?'} *)`,
    minutes,
    hours,
    month,
    ...days,
  }));

// One run a day at a single wall-clock time in the hours clocks change: the case where croner
// moves a run out of a spring-forward gap.
const fixedTimeArb: fc.Arbitrary<GeneratedCron> = fc.tuple(fc.integer({ min: 0, max: 59 }), dstHourArb).map(([minute, hours]) => ({
  expression: `cron(${minute} ${hours.token} * * ? *)`,
  minutes: { token: String(minute), values: new Set([minute]) },
  hours,
  dayOfMonth: { token: '*', values: span(1, 31) },
  month: { token: '*', values: span(1, 12) },
}));

// The test reads wall clocks with its own formatter, not the module's.
const formatters = new Map<string, Intl.DateTimeFormat>();
const wall = (ms: number, tz: string): Record<string, number> => {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, formatter);
  }
  const fields: Record<string, number> = {};
  for (const { type, value } of formatter.formatToParts(ms)) {
    if (type === 'weekday') fields.weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(value) + 1;
    else if (type !== 'literal') fields[type] = Number(value);
  }
  return fields;
};

const wallKey = (ms: number, tz: string): string => JSON.stringify(wall(ms, tz));

const satisfies = (cron: GeneratedCron, ms: number, tz: string): boolean => {
  const w = wall(ms, tz);
  return (
    w.second === 0 &&
    cron.minutes.values.has(w.minute) &&
    cron.hours.values.has(w.hour) &&
    cron.month.values.has(w.month) &&
    (cron.dayOfMonth?.values.has(w.day) ?? true) &&
    (cron.dayOfWeek?.values.has(w.weekday) ?? true)
  );
};

// Offsets differ by whole quarter hours, so an earlier instant with the same wall clock (the
// first pass of a repeated time) lies a few quarter hours back.
const isFirstInstant = (ms: number, tz: string): boolean => {
  const key = wallKey(ms, tz);
  for (let k = 1; k <= 12; k++) if (wallKey(ms - k * 15 * minuteMs, tz) === key) return false;
  return true;
};

const offsetMinutes = (ms: number, tz: string): number => {
  const w = wall(ms, tz);
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(ms / minuteMs) * minuteMs) / minuteMs);
};

// Found by scanning, so the test does not depend on remembered transition dates.
const transitions = (tz: string, year: number): number[] => {
  const found: number[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = Date.UTC(year, 0, 1); t < end; t += 3_600_000) {
    if (offsetMinutes(t, tz) !== offsetMinutes(t + 3_600_000, tz)) found.push(t);
  }
  return found;
};

describe('nextOccurrence properties', () => {
  it('gives strictly increasing whole-minute occurrences that each satisfy the expression once', () => {
    fc.assert(
      fc.property(
        cronArb,
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
        (cron, tz, fromMs) => {
          const runs = occurrencesBetween(cron.expression, tz, fromMs, fromMs + 60 * 86_400_000, 60);
          runs.forEach((ms, i) => {
            expect(ms).toBeGreaterThan(i === 0 ? fromMs : runs[i - 1]);
            expect(ms % minuteMs).toBe(0);
            expect(satisfies(cron, ms, tz)).toBe(true);
            expect(isFirstInstant(ms, tz)).toBe(true);
          });
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('finds exactly the minutes a brute-force scan finds around DST changes', () => {
    const windows = zones.flatMap((tz) => {
      const found = transitions(tz, 2025);
      return (found.length ? found : [Date.UTC(2025, 5, 1)]).map((t) => ({ tz, centre: t }));
    });
    fc.assert(
      fc.property(
        fc.oneof(cronArb, fixedTimeArb),
        fc.constantFrom(...windows),
        fc.integer({ min: -6, max: 6 }),
        (cron, { tz, centre }, shiftHours) => {
          const fromMs = centre + shiftHours * 3_600_000 - 6 * 3_600_000;
          const toMs = fromMs + 12 * 3_600_000;
          const expected: number[] = [];
          for (let ms = Math.floor(fromMs / minuteMs) * minuteMs + minuteMs; ms <= toMs; ms += minuteMs) {
            if (satisfies(cron, ms, tz) && isFirstInstant(ms, tz)) expected.push(ms);
          }

          expect(occurrencesBetween(cron.expression, tz, fromMs, toMs, 10_000)).toEqual(expected);
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);
});
