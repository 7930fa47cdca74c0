/** Times as people read them: the browser's local time, with UTC in the title. */

/** "2026-12-07 14:03:05" in the browser's timezone. */
export const localTime = (iso: string | undefined): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

/** An instant in `timeZone`: "Sun 8 Mar 2026, 03:00 EDT" (the zone's own abbreviation or offset). */
export const zonedTime = (iso: string, timeZone: string): string => {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return iso;
  }
};

/** "in 3 s", "5 min ago". */
export const relative = (iso: string | undefined, now = Date.now()): string => {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const unit = abs < 60_000 ? [1_000, 's'] : abs < 3_600_000 ? [60_000, 'min'] : abs < 86_400_000 ? [3_600_000, 'h'] : [86_400_000, 'd'];
  const n = Math.round(abs / (unit[0] as number));
  return ms >= 0 ? `in ${n} ${unit[1]}` : `${n} ${unit[1]} ago`;
};

/** Today's date in UTC (usage days are UTC days). */
export const utcToday = (): string => new Date().toISOString().slice(0, 10);

/** The UTC date `days` before today. */
export const utcDaysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
