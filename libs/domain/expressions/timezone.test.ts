import { InvalidTimezoneError } from '../errors';
import { assertTimezone, formatLocalDateTime, localToEpochMs, readLocalDateTime, toLocalDateTime } from './timezone';

const at = (iso: string): number => Date.parse(iso);

describe('timezone', () => {
  describe('assertTimezone', () => {
    it.each(['UTC', 'Etc/UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Calcutta', 'Australia/Lord_Howe', 'Etc/GMT+5'])(
      'accepts %s',
      (tz) => {
        expect(() => assertTimezone(tz)).not.toThrow();
      },
    );

    it.each(['Mars/Olympus', '', '+05:30', 'America/New York', 'Z'])('rejects %j', (tz) => {
      expect(() => assertTimezone(tz)).toThrow(InvalidTimezoneError);
    });

    it('names the zone and suggests an IANA name, on the timezone field', () => {
      expect(() => assertTimezone('Mars/Olympus')).toThrow(
        expect.objectContaining({
          message: 'unknown timezone "Mars/Olympus"; use an IANA name such as "America/New_York"',
          issues: [{ path: 'timezone', issue: 'unknown timezone "Mars/Olympus"; use an IANA name such as "America/New_York"' }],
        }),
      );
    });
  });

  describe('localToEpochMs', () => {
    it.each([
      // [local, zone, instant]
      ['2025-01-15T09:00:00', 'UTC', '2025-01-15T09:00:00Z'],
      ['2025-01-15T09:00:00', 'America/New_York', '2025-01-15T14:00:00Z'],
      ['2025-07-15T09:00:00', 'America/New_York', '2025-07-15T13:00:00Z'],
      ['2025-07-15T09:00:00', 'Asia/Kolkata', '2025-07-15T03:30:00Z'],
      ['2025-07-15T09:00:00', 'Australia/Lord_Howe', '2025-07-14T22:30:00Z'],
      ['2025-01-15T09:00:00', 'Australia/Lord_Howe', '2025-01-14T22:00:00Z'],
      // Fall back: the first of the two instants.
      ['2025-11-02T01:30:00', 'America/New_York', '2025-11-02T05:30:00Z'],
      ['2025-10-26T01:30:00', 'Europe/London', '2025-10-26T00:30:00Z'],
      ['2025-04-06T01:45:00', 'Australia/Lord_Howe', '2025-04-05T14:45:00Z'],
      // Just either side of the spring-forward gap.
      ['2025-03-09T01:59:59', 'America/New_York', '2025-03-09T06:59:59Z'],
      ['2025-03-09T03:00:00', 'America/New_York', '2025-03-09T07:00:00Z'],
    ])('%s in %s is %s', (local, tz, instant) => {
      expect(localToEpochMs(local, tz)).toBe(at(instant));
    });

    it.each([
      ['2025-03-09T02:30:00', 'America/New_York'],
      ['2025-03-30T01:30:00', 'Europe/London'],
      ['2025-10-05T02:15:00', 'Australia/Lord_Howe'],
      // Samoa skipped a whole day when it crossed the date line.
      ['2011-12-30T12:00:00', 'Pacific/Apia'],
    ])('%s does not exist in %s', (local, tz) => {
      expect(localToEpochMs(local, tz)).toBeUndefined();
    });

    it('rejects a malformed local time', () => {
      expect(() => localToEpochMs('2025-03-09 02:30', 'UTC')).toThrow(TypeError);
    });
  });

  describe('toLocalDateTime', () => {
    it('reads the wall clock of an instant in a zone', () => {
      expect(toLocalDateTime(at('2025-11-02T06:30:00Z'), 'America/New_York')).toEqual({
        year: 2025,
        month: 11,
        day: 2,
        hour: 1,
        minute: 30,
        second: 0,
      });
    });

    it('round-trips through formatLocalDateTime at midnight', () => {
      expect(formatLocalDateTime(toLocalDateTime(at('2025-01-01T05:00:00Z'), 'America/New_York'))).toBe('2025-01-01T00:00:00');
    });
  });

  describe('readLocalDateTime', () => {
    it('reads a leap day', () => {
      expect(readLocalDateTime('2028-02-29T23:59:59')).toEqual({ year: 2028, month: 2, day: 29, hour: 23, minute: 59, second: 59 });
    });

    it.each([
      ['2027-02-29T00:00:00', '2027-02-29 is not a date: February 2027 has 28 days'],
      ['2027-04-31T00:00:00', '2027-04-31 is not a date: April 2027 has 30 days'],
      ['2027-00-01T00:00:00', 'month 00 is outside 01-12'],
      ['2027-1-01T00:00:00', 'expected yyyy-mm-ddThh:mm:ss, such as 2027-03-14T09:00:00; got "2027-1-01T00:00:00"'],
    ])('explains why %s is not a time', (text, problem) => {
      expect(readLocalDateTime(text)).toEqual({ problem });
    });
  });
});
