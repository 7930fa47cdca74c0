import { iso } from '../domain/clock';
import { localToEpochMs } from '../domain/expressions/timezone';
import { parseExpression } from '../domain/expressions/parse';
import { ScheduleExpressionError, ScheduleValidationError } from './errors';
import { occurrenceFrom, type ScheduleTiming } from './model';

/** A validated timing with the expression in its normalised form. */
export interface CheckedTiming extends ScheduleTiming {
  /** The first occurrence at or after now, or undefined when none is left. */
  first: number | undefined;
}

/** Epoch ms of an RFC 3339 string already validated by the request schema. */
export const toMs = (value: string | undefined): number | undefined => (value === undefined ? undefined : Date.parse(value));

/**
 * Validates an expression in its timezone and window: InvalidExpressionError or
 * InvalidTimezoneError naming the field, 400 for an `endAt` not after `startAt` and for an
 * `at()` in the past. Returns the normalised timing and its first occurrence from `now`.
 */
export const checkTiming = (t: ScheduleTiming, now: number): CheckedTiming => {
  const parsed = parseExpression(t.expression, { timezone: t.timezone });
  if (t.startAt !== undefined && t.endAt !== undefined && t.endAt <= t.startAt) {
    throw new ScheduleValidationError('endAt', `must be after startAt (${iso(t.startAt)}); got ${iso(t.endAt)}`);
  }
  if (parsed.kind === 'at') {
    const at = localToEpochMs(parsed.local, t.timezone);
    if (at !== undefined && at < now) {
      throw new ScheduleExpressionError(`${parsed.expression} is in the past: in ${t.timezone} that was ${iso(at)}; give a future time`);
    }
  }
  const timing: ScheduleTiming = { ...t, expression: parsed.expression };
  return { ...timing, first: occurrenceFrom(timing, now) };
};

/** The 400 for a new schedule that would never run, naming the field that rules every occurrence out. */
export const neverRunsError = (t: CheckedTiming, now: number): Error => {
  if (t.endAt !== undefined) {
    return new ScheduleValidationError(
      'endAt',
      `${t.expression} has no occurrence between ${iso(Math.max(now, t.startAt ?? now))} and endAt ${iso(t.endAt)}`,
    );
  }
  return new ScheduleExpressionError(`${t.expression} has no occurrence after ${iso(Math.max(now, t.startAt ?? now))} in ${t.timezone}`);
};
