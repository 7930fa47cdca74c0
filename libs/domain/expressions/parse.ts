import { cronFieldOrder, cronFieldSpecs, monthNames, parseCronField, type CronField, type CronFields } from './fields';
import { invalidExpression } from './invalid';
import { assertTimezone, formatLocalDateTime, localToEpochMs, readLocalDateTime, type LocalDateTime } from './timezone';
import { unixToAwsFields } from './unix';

/** `at(yyyy-mm-ddThh:mm:ss)`: once, at a wall-clock time in the schedule's timezone. */
export interface AtExpression {
  kind: 'at';
  /** The normalised expression. */
  expression: string;
  local: LocalDateTime;
}

/** The unit of a rate(), singular. */
export type RateUnit = 'minute' | 'hour' | 'day';

/** `rate(N unit)`: every N units of absolute time from the schedule's anchor. */
export interface RateExpression {
  kind: 'rate';
  /** The normalised expression. */
  expression: string;
  value: number;
  unit: RateUnit;
  /** The period in milliseconds; a day is always 24 hours, whatever the clocks do. */
  periodMs: number;
}

/** `cron(...)` with six EventBridge fields, or a 5-field Unix cron rewritten to that form. */
export interface CronExpression {
  kind: 'cron';
  /** The normalised expression, always `cron(...)` with six fields. */
  expression: string;
  fields: CronFields;
}

/** A validated schedule expression. */
export type ParsedExpression = AtExpression | RateExpression | CronExpression;

/** Options of parseExpression. */
export interface ParseOptions {
  /** The schedule's IANA timezone: when given, it is checked, and so is that an at() time exists in it. */
  timezone?: string;
}

/** The shared span of years, as EventBridge bounds the cron year field. */
const years = cronFieldSpecs.year;

const unitMs: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const kinds = 'at(yyyy-mm-ddThh:mm:ss), rate(N unit), cron(6 fields) or a 5-field Unix cron such as "0 9 * * 1-5"';

const parseAt = (inner: string): AtExpression => {
  const local = readLocalDateTime(inner.trim());
  if ('problem' in local) throw invalidExpression(`at() ${local.problem}`);
  if (local.year < years.min || local.year > years.max) {
    throw invalidExpression(`at() year ${local.year} is outside ${years.min}-${years.max}`);
  }
  return { kind: 'at', expression: `at(${formatLocalDateTime(local)})`, local };
};

const parseRate = (inner: string): RateExpression => {
  const m = /^(\S+)\s+(\S+)$/.exec(inner.trim());
  if (!m) throw invalidExpression(`rate() needs a value and a unit, as in rate(5 minutes); got rate(${inner})`);
  const [, valueText, unitText] = m;
  const unit = unitText.toLowerCase();
  if (/^seconds?$/.test(unit)) {
    throw invalidExpression(
      `rate(${inner.trim()}) is too frequent: EventBridge Scheduler runs at most once a minute, so the shortest rate is rate(1 minute)`,
    );
  }
  const singular = unit.replace(/s$/, '');
  if (singular !== 'minute' && singular !== 'hour' && singular !== 'day') {
    throw invalidExpression(`rate() unit must be minute(s), hour(s) or day(s); got "${unitText}"`);
  }
  const value = /^\d+$/.test(valueText) ? Number(valueText) : NaN;
  if (!(value >= 1)) throw invalidExpression(`rate() value must be a whole number of at least 1; got "${valueText}"`);
  if (!Number.isSafeInteger(value * unitMs[singular])) throw invalidExpression(`rate() value ${valueText} is too large`);
  if (value === 1 && unit !== singular) throw invalidExpression(`rate() with 1 takes the singular unit: rate(1 ${singular})`);
  if (value > 1 && unit === singular) throw invalidExpression(`rate() with ${value} takes the plural unit: rate(${value} ${singular}s)`);
  return { kind: 'rate', expression: `rate(${value} ${unit})`, value, unit: singular, periodMs: value * unitMs[singular] };
};

const expand = (field: CronField): number[] | undefined => {
  if (field.kind === 'nearest-weekday') return [field.day];
  if (field.kind !== 'values') return undefined;
  const values: number[] = [];
  for (const { from, to, step } of field.ranges) for (let v = from; v <= to; v += step) values.push(v);
  return values;
};

// Longest each month can be, leap years included.
const monthDays = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const parseCron = (inner: string): CronExpression => {
  const tokens = inner.trim() === '' ? [] : inner.trim().split(/\s+/);
  if (tokens.length !== 6) {
    throw invalidExpression(`cron() needs 6 fields: minutes hours day-of-month month day-of-week year; got ${tokens.length}`);
  }
  const fields = Object.fromEntries(cronFieldOrder.map((key, i) => [key, parseCronField(key, tokens[i])])) as CronFields;
  const [dom, dow] = [fields.dayOfMonth.kind === 'omitted', fields.dayOfWeek.kind === 'omitted'];
  if (dom && dow) throw invalidExpression('cron() day-of-month and day-of-week cannot both be ?; put * or a value in one of them');
  if (!dom && !dow) {
    throw invalidExpression(
      `cron() needs ? in day-of-month or in day-of-week, as EventBridge cannot restrict both; got "${tokens[2]}" and "${tokens[4]}"`,
    );
  }
  // Reject dates that never happen (30 February) here, rather than searching 230 years for them.
  const days = expand(fields.dayOfMonth);
  const months = expand(fields.month);
  if (days && months && Math.min(...days) > Math.max(...months.map((m) => monthDays[m - 1]))) {
    const named = months.map((m) => monthNames[m - 1]).join(',');
    throw invalidExpression(`cron() day-of-month "${tokens[2]}" never occurs in month "${tokens[3]}" (${named})`);
  }
  return { kind: 'cron', expression: `cron(${tokens.map((t) => t.toUpperCase()).join(' ')})`, fields };
};

/**
 * Validates and parses an EventBridge Scheduler expression (at, rate, cron) or a 5-field Unix
 * cron, throwing InvalidExpressionError that names the field at fault.
 */
export const parseExpression = (expression: string, options: ParseOptions = {}): ParsedExpression => {
  const text = expression.trim();
  if (text === '') throw invalidExpression(`expression is empty; expected ${kinds}`);
  let parsed: ParsedExpression;
  const wrapped = /^([A-Za-z]+)\s*\((.*)\)$/s.exec(text);
  if (wrapped) {
    const kind = wrapped[1].toLowerCase();
    if (kind === 'at') parsed = parseAt(wrapped[2]);
    else if (kind === 'rate') parsed = parseRate(wrapped[2]);
    else if (kind === 'cron') parsed = parseCron(wrapped[2]);
    else throw invalidExpression(`unknown expression "${wrapped[1]}(...)"; expected ${kinds}`);
  } else if (/^[A-Za-z]+\s*\(/.test(text)) {
    throw invalidExpression(`expression "${text}" is missing its closing parenthesis`);
  } else {
    const tokens = text.split(/\s+/);
    if (tokens.length !== 5) {
      throw invalidExpression(
        `a cron without the cron(...) wrapper must be a 5-field Unix cron (minute hour day-of-month month day-of-week); ` +
          `got ${tokens.length} fields. Write EventBridge's 6-field form as cron(...)`,
      );
    }
    parsed = parseCron(unixToAwsFields(tokens).join(' '));
  }
  if (options.timezone !== undefined) {
    assertTimezone(options.timezone);
    // A wall-clock time the clocks jump over is rejected up front rather than silently never run.
    if (parsed.kind === 'at' && localToEpochMs(parsed.local, options.timezone) === undefined) {
      throw invalidExpression(
        `${parsed.expression} does not exist in ${options.timezone}: the clocks skip that time (daylight saving or an offset change)`,
      );
    }
  }
  return parsed;
};
