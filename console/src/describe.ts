/**
 * A schedule expression in words ("every day at 06:00"), for people skimming a list. The API's expression stays the
 * truth and is shown beside it; anything this does not recognise reads as the expression itself.
 */

const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const pad = (n: number) => String(n).padStart(2, '0');
const isNumber = (s: string) => /^\d+$/.test(s);
const any = (s: string) => s === '*' || s === '?';

/** A day-of-week field value (EventBridge: 1 = Sunday … 7 = Saturday, or a name) as an index 0–6, or -1. */
const dayIndex = (s: string): number => (isNumber(s) ? Number(s) - 1 : dayNames.indexOf(s.toUpperCase()));
const monthIndex = (s: string): number => (isNumber(s) ? Number(s) - 1 : monthNames.indexOf(s.toUpperCase()));

const describeDays = (field: string): string | undefined => {
  if (field === '2-6' || field.toUpperCase() === 'MON-FRI') return 'every weekday (Monday to Friday)';
  const range = /^(\w+)-(\w+)$/.exec(field);
  if (range) {
    const [a, b] = [dayIndex(range[1]), dayIndex(range[2])];
    return a >= 0 && b >= 0 && a <= 6 && b <= 6 ? `every ${days[a]} to ${days[b]}` : undefined;
  }
  const list = field.split(',').map(dayIndex);
  if (list.some((d) => d < 0 || d > 6)) return undefined;
  const names = list.map((d) => days[d]);
  return `every ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}`;
};

const plural = (n: number, unit: string) => (n === 1 ? `every ${unit}` : `every ${n} ${unit}s`);

const describeCron = (fields: string[]): string | undefined => {
  if (fields.length !== 6) return undefined;
  const [min, hour, dom, month, dow, year] = fields;
  if (year !== '*') return undefined;
  const step = /^(\*|0)\/(\d+)$/.exec(min);
  if (step && hour === '*' && any(dom) && month === '*' && any(dow)) return plural(Number(step[2]), 'minute');
  if (min === '*' && hour === '*' && any(dom) && month === '*' && any(dow)) return 'every minute';
  if (isNumber(min) && hour === '*' && any(dom) && month === '*' && any(dow)) return `every hour at minute ${Number(min)}`;
  const hourStep = /^(\*|0)\/(\d+)$/.exec(hour);
  if (isNumber(min) && hourStep && any(dom) && month === '*' && any(dow)) {
    return `${plural(Number(hourStep[2]), 'hour')} at minute ${Number(min)}`;
  }
  if (!isNumber(min) || !isNumber(hour)) return undefined;
  const time = `at ${pad(Number(hour))}:${pad(Number(min))}`;
  if (any(dom) && month === '*' && any(dow)) return `every day ${time}`;
  if (any(dom) && month === '*') {
    const d = describeDays(dow);
    return d && `${d} ${time}`;
  }
  if (isNumber(dom) && any(dow)) {
    if (month === '*') return `on day ${Number(dom)} of every month ${time}`;
    const m = monthIndex(month);
    if (m >= 0 && m < 12) return `every year on ${Number(dom)} ${months[m]} ${time}`;
  }
  if (dom === 'L' && month === '*' && any(dow)) return `on the last day of every month ${time}`;
  return undefined;
};

/** `expression` in words, with its timezone: "every day at 06:00, America/New_York". */
export const describeExpression = (expression: string, timezone = 'UTC'): string => {
  const e = expression.trim();
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/i.exec(e);
  if (rate) return plural(Number(rate[1]), rate[2].toLowerCase().replace(/s$/, ''));
  const at = /^at\((\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?\)$/i.exec(e);
  if (at) return `once, on ${at[1]} at ${at[2]}, ${timezone}`;
  const cron = /^cron\((.+)\)$/i.exec(e);
  const words = cron ? describeCron(cron[1].trim().split(/\s+/)) : undefined;
  return words ? `${words}, ${timezone}` : `${e}, ${timezone}`;
};
