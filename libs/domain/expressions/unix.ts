import { cronFieldSpecs, dayNames, parseValues, type CronRange, type FieldSpec } from './fields';
import { invalidExpression } from './invalid';

// Unix numbers days from 0 = Sunday (7 is Sunday again); EventBridge from 1 = Sunday.
const unixDayOfWeek: FieldSpec = {
  label: 'day-of-week',
  min: 0,
  max: 7,
  names: dayNames,
  nameBase: 0,
  steps: true,
  hint: '0 or 7 = SUN, 6 = SAT',
};

const unixFields = [
  { label: 'minute', spec: cronFieldSpecs.minutes },
  { label: 'hour', spec: cronFieldSpecs.hours },
  { label: 'day-of-month', spec: cronFieldSpecs.dayOfMonth },
  { label: 'month', spec: cronFieldSpecs.month },
  { label: 'day-of-week', spec: unixDayOfWeek },
] as const;

const isWild = (token: string): boolean => token === '*' || token === '?';

// Runs of three or more consecutive days read best as a range: 2-6 rather than 2,3,4,5,6.
const formatDays = (days: number[]): string => {
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    if (j - i >= 2) parts.push(`${days[i]}-${days[j]}`);
    else parts.push(...days.slice(i, j + 1).map(String));
    i = j + 1;
  }
  return parts.join(',');
};

const toAwsDays = (ranges: CronRange[]): string => {
  const days = new Set<number>();
  for (const { from, to, step } of ranges) for (let d = from; d <= to; d += step) days.add((d % 7) + 1);
  return days.size === 7 ? '*' : formatDays([...days].sort((a, b) => a - b));
};

/**
 * Rewrites the five fields of a Unix cron (`0 9 * * 1-5`) as the six fields of EventBridge's
 * cron(...) (`0 9 ? * 2-6 *`); throws InvalidExpressionError when EventBridge cannot express it.
 */
export const unixToAwsFields = (tokens: readonly string[]): string[] => {
  const upper = tokens.map((t) => t.toUpperCase());
  const ranges = upper.map((token, i) => {
    const { label, spec } = unixFields[i];
    const where = `Unix cron ${label}`;
    if (token === '*' || (token === '?' && (label === 'day-of-month' || label === 'day-of-week'))) return undefined;
    // Names are three letters; anything else with L, W, # or ? is an EventBridge-only feature.
    if (/[LW#?]/.test(token.replace(/[A-Z]{3}/g, ''))) {
      throw invalidExpression(
        `${where} "${tokens[i]}" is invalid: L, W, # and ? are EventBridge extensions; use the 6-field cron(...) form for them`,
      );
    }
    return parseValues(token, spec, where);
  });
  const [minutes, hours, dayOfMonth, month] = upper;
  const dowRanges = ranges[4];
  if (dowRanges === undefined) return [minutes, hours, isWild(dayOfMonth) ? '*' : dayOfMonth, month, '?', '*'];
  if (isWild(dayOfMonth)) return [minutes, hours, '?', month, toAwsDays(dowRanges), '*'];
  throw invalidExpression(
    `Unix cron restricts both day-of-month "${tokens[2]}" and day-of-week "${tokens[4]}", and runs on days ` +
      'matching either; EventBridge cannot express that, so set one of them to * or use two schedules',
  );
};
