import { invalidExpression } from './invalid';

/** Values `from..to` taking every `step`-th, in EventBridge numbering (day-of-week 1 = Sunday). */
export interface CronRange {
  from: number;
  to: number;
  step: number;
}

/** One field of an EventBridge cron expression, parsed. */
export type CronField =
  /** `*` */
  | { kind: 'any' }
  /** `?`: this day field defers to the other one. */
  | { kind: 'omitted' }
  /** Numbers, names, ranges, steps and lists of them: `5`, `MON-FRI`, `0/15`, `1,15`. */
  | { kind: 'values'; ranges: CronRange[] }
  /** Day-of-month `L`: the last day of the month. */
  | { kind: 'last-day' }
  /** Day-of-month `LW`: the last Monday-to-Friday of the month. */
  | { kind: 'last-weekday' }
  /** Day-of-month `15W`: the Monday-to-Friday nearest that day, within the month. */
  | { kind: 'nearest-weekday'; day: number }
  /** Day-of-week `6L`: the last such day of the month (6 = Friday). */
  | { kind: 'last-of'; dayOfWeek: number }
  /** Day-of-week `3#2`: the nth such day of the month (the second Tuesday). */
  | { kind: 'nth'; dayOfWeek: number; nth: number };

/** What one field accepts. */
export interface FieldSpec {
  /** The field's name in messages, as AWS documents it. */
  label: string;
  min: number;
  max: number;
  /** Three-letter names standing for `nameBase`, `nameBase + 1`, … */
  names?: readonly string[];
  nameBase?: number;
  /** Whether `a/n` and `*\/n` steps are allowed (EventBridge does not take them in day-of-week). */
  steps: boolean;
  /** Added to out-of-range messages where the numbering surprises. */
  hint?: string;
}

/** Month names, JAN = 1. */
export const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
/** Day names, SUN first. */
export const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** The six fields of `cron(...)` as EventBridge defines them. */
export const cronFieldSpecs = {
  minutes: { label: 'minutes', min: 0, max: 59, steps: true },
  hours: { label: 'hours', min: 0, max: 23, steps: true },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, steps: true },
  month: { label: 'month', min: 1, max: 12, names: monthNames, nameBase: 1, steps: true },
  dayOfWeek: { label: 'day-of-week', min: 1, max: 7, names: dayNames, nameBase: 1, steps: false, hint: '1 = SUN, 7 = SAT' },
  year: { label: 'year', min: 1970, max: 2199, steps: true },
} as const satisfies Record<string, FieldSpec>;

/** A field of `cron(...)`. */
export type CronFieldKey = keyof typeof cronFieldSpecs;

/** The fields in the order they are written. */
export const cronFieldOrder: readonly CronFieldKey[] = ['minutes', 'hours', 'dayOfMonth', 'month', 'dayOfWeek', 'year'];

/** A parsed `cron(...)`, one entry per field. */
export type CronFields = Record<CronFieldKey, CronField>;

const fail = (where: string, token: string, why: string): never => {
  throw invalidExpression(`${where} "${token}" is invalid: ${why}`);
};

const readValue = (text: string, spec: FieldSpec, where: string, token: string): number => {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) {
      fail(where, token, `${n} is outside ${spec.min}-${spec.max}${spec.hint ? ` (${spec.hint})` : ''}`);
    }
    return n;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (spec.names && index >= 0) return index + (spec.nameBase ?? 0);
  const names = spec.names ? ` or a name ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
  return fail(where, token, text === '' ? `a number${names} is missing` : `"${text}" is not a number${names}`);
};

/**
 * Parses a list of numbers, names, ranges `a-b` and steps `a/n`, `a-b/n`, `*\/n` against `spec`;
 * `where` starts every message ("cron() minutes").
 */
export const parseValues = (token: string, spec: FieldSpec, where: string): CronRange[] => {
  const items = token.split(',');
  return items.map((item): CronRange => {
    if (item === '') return fail(where, token, 'a list has an empty item');
    const [base, stepText, extra] = item.split('/');
    if (extra !== undefined) fail(where, token, `"${item}" has more than one /`);
    let step = 1;
    if (stepText !== undefined) {
      if (!spec.steps) fail(where, token, `${spec.label} does not take / steps; list the days instead, as in 2,4,6`);
      const span = spec.max - spec.min + 1;
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > span) {
        fail(where, token, `the step after / must be a whole number from 1 to ${span}; got "${stepText}"`);
      }
      step = Number(stepText);
    }
    if (base === '*') {
      if (stepText === undefined) fail(where, token, '* cannot be part of a list');
      return { from: spec.min, to: spec.max, step };
    }
    const [first, last, more] = base.split('-');
    if (more !== undefined) fail(where, token, `"${base}" is not a range a-b`);
    const from = readValue(first, spec, where, token);
    // AWS reads "5/15" as "from 5 to the end, every 15th".
    const to = last !== undefined ? readValue(last, spec, where, token) : stepText !== undefined ? spec.max : from;
    if (from > to) {
      fail(where, token, `the range ${base} runs backwards and ranges cannot wrap around; write ${from}-${spec.max},${spec.min}-${to}`);
    }
    return { from, to, step };
  });
};

const weekdayPart = '([0-9]+|[A-Z]{3})';

const parseDayOfMonth = (token: string, where: string): CronField => {
  if (token === 'L') return { kind: 'last-day' };
  if (token === 'LW') return { kind: 'last-weekday' };
  const nearest = /^(\d+)W$/.exec(token);
  if (nearest) {
    const day = Number(nearest[1]);
    if (day < 1 || day > 31) fail(where, token, `day ${day} is outside 1-31`);
    return { kind: 'nearest-weekday', day };
  }
  if (/[LW]/.test(token)) {
    fail(where, token, 'L and W stand alone: L (last day of the month), LW (last weekday) or a day with W, as in 15W');
  }
  return { kind: 'values', ranges: parseValues(token, cronFieldSpecs.dayOfMonth, where) };
};

const parseDayOfWeek = (token: string, where: string): CronField => {
  const spec = cronFieldSpecs.dayOfWeek;
  // Alone, L is the last day of the week: Saturday.
  if (token === 'L') return { kind: 'values', ranges: [{ from: 7, to: 7, step: 1 }] };
  const last = new RegExp(`^${weekdayPart}L$`).exec(token);
  if (last) return { kind: 'last-of', dayOfWeek: readValue(last[1], spec, where, token) };
  const nth = new RegExp(`^${weekdayPart}#(\\d+)$`).exec(token);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) fail(where, token, `the number after # picks the 1st to 5th such day of the month; got ${n}`);
    return { kind: 'nth', dayOfWeek: readValue(nth[1], spec, where, token), nth: n };
  }
  if (token.includes('#')) fail(where, token, '# stands alone, as in 3#2 (the second Tuesday); lists such as 3#1,6#3 are not allowed');
  // No day name ends in L, so any part ending in L is a misplaced "last".
  if (token.split(/[,\-/]/).some((part) => part.endsWith('L'))) {
    fail(where, token, 'L stands alone: L (Saturday) or a day with L, as in 6L (the last Friday)');
  }
  return { kind: 'values', ranges: parseValues(token, spec, where) };
};

/** Parses one field of `cron(...)`; throws InvalidExpressionError naming the field and the problem. */
export const parseCronField = (key: CronFieldKey, token: string): CronField => {
  const spec = cronFieldSpecs[key];
  const where = `cron() ${spec.label}`;
  const upper = token.toUpperCase();
  if (upper === '?') {
    if (key !== 'dayOfMonth' && key !== 'dayOfWeek') fail(where, token, '? is only allowed in day-of-month and day-of-week');
    return { kind: 'omitted' };
  }
  if (upper === '*') return { kind: 'any' };
  if (key === 'dayOfMonth') return parseDayOfMonth(upper, where);
  if (key === 'dayOfWeek') return parseDayOfWeek(upper, where);
  return { kind: 'values', ranges: parseValues(upper, spec, where) };
};
