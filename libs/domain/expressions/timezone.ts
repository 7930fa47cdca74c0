import { InvalidTimezoneError } from '../errors';
import { LRUCache } from 'lru-cache';

/** A wall-clock time without a zone: what a clock on the wall reads somewhere. Month is 1-12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const dayMs = 86_400_000;

// Building an Intl.DateTimeFormat costs far more than using one; zones in use are few.
const formatters = new LRUCache<string, Intl.DateTimeFormat>({ max: 1_000 });

const unknownTimezone = (tz: string): InvalidTimezoneError => {
  const message = `unknown timezone "${tz}"; use an IANA name such as "America/New_York"`;
  return new InvalidTimezoneError(message, [{ path: 'timezone', issue: message }]);
};

const formatterFor = (tz: string): Intl.DateTimeFormat => {
  const cached = formatters.get(tz);
  if (cached) return cached;
  // Offsets such as "+05:30" are not IANA names; newer ICU builds would otherwise accept them.
  if (!/^[A-Za-z]/.test(tz)) throw unknownTimezone(tz);
  let formatter: Intl.DateTimeFormat;
  try {
    // The constructor, not Intl.supportedValuesOf, decides: the list holds canonical names only,
    // and on Node 20 it has "Asia/Calcutta" but not the current "Asia/Kolkata", nor "UTC".
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw unknownTimezone(tz);
  }
  formatters.set(tz, formatter);
  return formatter;
};

/** Throws InvalidTimezoneError unless `tz` is an IANA timezone name this runtime knows (or UTC). */
export const assertTimezone = (tz: string): void => {
  formatterFor(tz);
};

/** The wall-clock time in `tz` at the instant `epochMs` (milliseconds are dropped). */
export const toLocalDateTime = (epochMs: number, tz: string): LocalDateTime => {
  const local: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(tz).formatToParts(epochMs)) {
    if (part.type === 'literal') continue;
    const value = Number(part.value);
    if (part.type === 'year') local.year = value;
    else if (part.type === 'month') local.month = value;
    else if (part.type === 'day') local.day = value;
    else if (part.type === 'hour') local.hour = value;
    else if (part.type === 'minute') local.minute = value;
    else if (part.type === 'second') local.second = value;
  }
  return local;
};

// Plain calendar arithmetic: reads a wall clock as if it were UTC. Date.UTC maps years 0-99 to
// 1900-1999, so those take the slow path.
const utc = (year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number => {
  if (year >= 100) return Date.UTC(year, monthIndex, day, hour, minute, second);
  const date = new Date(Date.UTC(2000, monthIndex, day, hour, minute, second));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
};

const wallAsUtc = (l: LocalDateTime): number => utc(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);

const sameLocal = (a: LocalDateTime, b: LocalDateTime): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;

const offsetMs = (epochMs: number, tz: string): number => wallAsUtc(toLocalDateTime(epochMs, tz)) - Math.floor(epochMs / 1000) * 1000;

/**
 * The instant a wall-clock time in `tz` happens: the first of the two when clocks fall back,
 * undefined when clocks spring forward over it.
 */
export const localToEpochMs = (local: LocalDateTime | string, tz: string): number | undefined => {
  const wall = typeof local === 'string' ? readLocalDateTime(local) : local;
  if ('problem' in wall) throw new TypeError(`not a local date-time: ${wall.problem}`);
  const guess = wallAsUtc(wall);
  // Every instant showing this wall time lies within a day of `guess`, so the offsets in force
  // a day either side (and at it) include every offset that can produce it.
  const tried = new Set<number>();
  let first: number | undefined;
  for (const probe of [guess - dayMs, guess, guess + dayMs]) {
    const offset = offsetMs(probe, tz);
    if (tried.has(offset)) continue;
    tried.add(offset);
    const candidate = guess - offset;
    if (sameLocal(toLocalDateTime(candidate, tz), wall) && (first === undefined || candidate < first)) first = candidate;
  }
  return first;
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `yyyy-mm-ddThh:mm:ss` for a wall-clock time. */
export const formatLocalDateTime = (l: LocalDateTime): string =>
  `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Reads a strict `yyyy-mm-ddThh:mm:ss`, or says why it is not a real calendar time. */
export const readLocalDateTime = (text: string): LocalDateTime | { problem: string } => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return { problem: `expected yyyy-mm-ddThh:mm:ss, such as 2027-03-14T09:00:00; got "${text}"` };
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (month < 1 || month > 12) return { problem: `month ${m[2]} is outside 01-12` };
  const days = new Date(utc(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) {
    return { problem: `${m[1]}-${m[2]}-${m[3]} is not a date: ${monthNames[month - 1]} ${year} has ${days} days` };
  }
  if (hour > 23) return { problem: `hour ${m[4]} is outside 00-23` };
  if (minute > 59) return { problem: `minute ${m[5]} is outside 00-59` };
  if (second > 59) return { problem: `second ${m[6]} is outside 00-59` };
  return { year, month, day, hour, minute, second };
};
