/** Units of a duration string, largest first, in seconds. */
const units = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;

/** `90s`, `10m`, `1h30m`, `2d`, `1d12h`: whole numbers of days, hours, minutes and seconds, each unit at most once, in that order. */
const durationPattern = /^(?:(\d{1,9})d)?(?:(\d{1,9})h)?(?:(\d{1,9})m)?(?:(\d{1,9})s)?$/;

/** The seconds of a duration string such as `90s`, `10m`, `1h30m` or `2d`; undefined when it is not one. */
export const durationSeconds = (text: string): number | undefined => {
  const m = durationPattern.exec(text);
  if (!m || text === '') return undefined;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return Number(d) * units.d + Number(h) * units.h + Number(min) * units.m + Number(s) * units.s;
};
