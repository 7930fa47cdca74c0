import type { Cron } from 'croner';
import { cronerFor, toCronerPattern } from './croner';
import { parseExpression, type CronExpression, type ParsedExpression } from './parse';
import { assertTimezone, localToEpochMs, toLocalDateTime } from './timezone';

/** Options of nextOccurrence and occurrencesBetween. */
export interface OccurrenceOptions {
  /** Where a rate() counts from: the schedule's startAt, else its creation time. Required for rate(). */
  anchorMs?: number;
}

/**
 * The most occurrences occurrencesBetween returns.
 * @default 1,000
 */
const defaultLimit = 1_000;

// Croner hands back at most one rejected candidate per time in a repeated hour (60 for an
// every-minute cron) plus one per skipped spring-forward time; a day of minutes is ample.
const maxRejectedCandidates = 1_440;

/**
 * Croner differs from EventBridge Scheduler at DST changes: it moves a fixed-time run that falls
 * in a spring-forward gap to the end of the gap (EventBridge skips it), and it runs interval
 * crons (with *, lists, ranges or steps) on both passes of a repeated fall-back hour (EventBridge
 * runs each wall-clock time once, at its first instant). Both are filtered out here.
 */
const isEventBridgeRun = (cron: Cron, runMs: number, timezone: string): boolean =>
  // A run moved out of a gap no longer shows the wall-clock time the expression asks for.
  cron.match(new Date(runMs)) &&
  // The second pass of a repeated time is not the first instant that shows that wall clock.
  localToEpochMs(toLocalDateTime(runMs, timezone), timezone) === runMs;

const nextCron = (parsed: CronExpression, timezone: string, afterMs: number): number | undefined => {
  const cron = cronerFor(toCronerPattern(parsed.fields), timezone);
  let cursor = afterMs;
  for (let i = 0; i <= maxRejectedCandidates; i++) {
    // Croner returns null once the (bounded) year field has no match left.
    const run = cron.nextRun(new Date(cursor));
    if (!run) return undefined;
    const runMs = run.getTime();
    if (isEventBridgeRun(cron, runMs, timezone)) return runMs;
    cursor = runMs;
  }
  throw new RangeError(`${parsed.expression} in ${timezone}: no acceptable run among ${maxRejectedCandidates} candidates after ${afterMs}`);
};

const nextRate = (periodMs: number, afterMs: number, anchorMs: number | undefined): number => {
  if (anchorMs === undefined || !Number.isFinite(anchorMs)) {
    throw new TypeError('rate() needs options.anchorMs: the schedule startAt, or its creation time');
  }
  if (afterMs < anchorMs) return anchorMs;
  return anchorMs + (Math.floor((afterMs - anchorMs) / periodMs) + 1) * periodMs;
};

/**
 * The first occurrence strictly after `afterMs` (epoch ms) of an expression in `timezone`, or
 * undefined when there is none left; EventBridge Scheduler's DST rules apply.
 */
export const nextOccurrence = (
  expression: string | ParsedExpression,
  timezone: string,
  afterMs: number,
  options: OccurrenceOptions = {},
): number | undefined => {
  const parsed = typeof expression === 'string' ? parseExpression(expression) : expression;
  assertTimezone(timezone);
  if (!Number.isFinite(afterMs)) throw new TypeError(`afterMs must be epoch milliseconds; got ${afterMs}`);
  switch (parsed.kind) {
    case 'at': {
      // parseExpression with a timezone rejects an at() in a spring-forward gap; one that gets
      // here anyway (the zone's rules changed since) never runs, as EventBridge skips such times.
      const at = localToEpochMs(parsed.local, timezone);
      return at !== undefined && at > afterMs ? at : undefined;
    }
    case 'rate':
      return nextRate(parsed.periodMs, afterMs, options.anchorMs);
    case 'cron':
      return nextCron(parsed, timezone, afterMs);
  }
};

/** The occurrences in (fromMs, toMs], earliest first, at most `limit` of them. */
export const occurrencesBetween = (
  expression: string | ParsedExpression,
  timezone: string,
  fromMs: number,
  toMs: number,
  limit: number = defaultLimit,
  options: OccurrenceOptions = {},
): number[] => {
  const parsed = typeof expression === 'string' ? parseExpression(expression) : expression;
  const found: number[] = [];
  let cursor = fromMs;
  while (found.length < limit) {
    const next = nextOccurrence(parsed, timezone, cursor, options);
    if (next === undefined || next > toMs) break;
    found.push(next);
    cursor = next;
  }
  return found;
};
