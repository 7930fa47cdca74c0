import { Cron } from 'croner';
import { LRUCache } from 'lru-cache';
import { cronFieldSpecs, type CronField, type CronFields, type CronRange } from './fields';

// Croner is strict (no "5/15"), so every step is written as an explicit range "5-59/15".
const formatRanges = (ranges: CronRange[], shift = 0): string =>
  ranges
    .map(({ from, to, step }) => {
      if (from === to) return `${from + shift}`;
      return step === 1 ? `${from + shift}-${to + shift}` : `${from + shift}-${to + shift}/${step}`;
    })
    .join(',');

const formatDayOfMonth = (field: CronField): string => {
  switch (field.kind) {
    case 'last-day':
      return 'L';
    case 'last-weekday':
      return 'LW';
    case 'nearest-weekday':
      return `${field.day}W`;
    case 'values':
      return formatRanges(field.ranges);
    default:
      return '*';
  }
};

// Croner numbers days 0 = Sunday; EventBridge 1 = Sunday.
const formatDayOfWeek = (field: CronField): string => {
  switch (field.kind) {
    case 'last-of':
      return `${field.dayOfWeek - 1}#L`;
    case 'nth':
      return `${field.dayOfWeek - 1}#${field.nth}`;
    case 'values':
      return formatRanges(field.ranges, -1);
    default:
      return '*';
  }
};

const formatPlain = (field: CronField, whenAny: string): string => (field.kind === 'values' ? formatRanges(field.ranges) : whenAny);

const { min: firstYear, max: lastYear } = cronFieldSpecs.year;

/**
 * The croner 7-part pattern (second minute hour day month weekday year) for EventBridge fields.
 * `?` becomes `*` and day-of-month/day-of-week are ANDed, so the `*` side imposes nothing.
 */
export const toCronerPattern = (fields: CronFields): string =>
  [
    '0',
    formatPlain(fields.minutes, '*'),
    formatPlain(fields.hours, '*'),
    formatDayOfMonth(fields.dayOfMonth),
    formatPlain(fields.month, '*'),
    formatDayOfWeek(fields.dayOfWeek),
    // EventBridge years stop at 2199; bounding them also keeps croner from searching to 9999
    // for an expression that never matches again.
    formatPlain(fields.year, `${firstYear}-${lastYear}`),
  ].join(' ');

/**
 * Croner instances kept, one per (pattern, timezone). Building one costs about as much as a
 * nextRun (~60 µs), but each holds ~83 KB (a 10,000-slot year table), so the cap is memory-bound.
 * @default 1,000 instances, about 83 MB at most
 */
const cacheLimit = 1_000;
const instances = new LRUCache<string, Cron>({ max: cacheLimit });

/** A paused croner instance for a pattern in a timezone, shared across calls (construction costs as much as a lookup). */
export const cronerFor = (pattern: string, timezone: string): Cron => {
  const key = `${timezone} ${pattern}`;
  let cron = instances.get(key);
  if (!cron) {
    cron = new Cron(pattern, { timezone, mode: '7-part', domAndDow: true, paused: true });
    instances.set(key, cron);
  }
  return cron;
};
