import { PortRefusedError, TargetRefusedError } from './errors';
import { classifyError, classifyStatus, parseRetryAfter, retryAfterBounds } from './outcome';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const errno = (code: string, message = `connect ${code} 203.0.113.5:443`) => Object.assign(new Error(message), { code });

describe('outcome', () => {
  describe('parseRetryAfter', () => {
    it.each([
      ['2', 2_000],
      [' 120 ', 120_000],
      ['0', 0],
      ['Thu, 01 Jan 2026 12:00:30 GMT', 30_000],
      ['Thursday, 01-Jan-26 12:01:00 GMT', 60_000],
      ['Thu Jan  1 12:00:05 2026', 5_000],
      ['Thu, 01 Jan 2026 11:00:00 GMT', 0], // in the past: no wait
      ['99999999', retryAfterBounds.maxMs],
      ['Fri, 01 Jan 2027 12:00:00 GMT', retryAfterBounds.maxMs],
    ])('%j → %d ms', (header, expected) => {
      expect(parseRetryAfter(header, now)).toBe(expected);
    });

    it.each([
      [undefined],
      [''],
      ['soon'],
      ['-5'],
      ['1.5'],
      ['1e3'],
      ['0x10'],
      ['Jan 1 2026'],
      ['2026-01-01T12:00:30Z'],
      ['Thu, 41 Jan 2026 12:00:30 GMT'],
    ])('ignores %j', (header) => {
      expect(parseRetryAfter(header, now)).toBeUndefined();
    });

    it('takes the first of repeated headers', () => {
      expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
    });
  });

  describe('classifyStatus', () => {
    it.each([[200], [201], [202], [204], [299]])('%d is success', (status) => {
      expect(classifyStatus(status, 5)).toEqual({ kind: 'success', statusCode: status, durationMs: 5 });
    });

    it.each([[408], [425], [429], [500], [502], [503], [504], [599]])('%d retries', (status) => {
      expect(classifyStatus(status, 5)).toMatchObject({ kind: 'retry', statusCode: status, error: `HTTP ${status}` });
    });

    it.each([[400], [401], [403], [404], [409], [410], [413], [422], [100], [600]])('%d is permanent', (status) => {
      expect(classifyStatus(status, 5)).toMatchObject({ kind: 'permanent', statusCode: status });
    });

    it.each([[301], [302], [307], [308]])('%d is permanent: redirects are not followed', (status) => {
      const outcome = classifyStatus(status, 5, { redirectTo: 'https://example.com/new' });
      expect(outcome).toMatchObject({ kind: 'permanent', statusCode: status });
      expect(outcome.kind !== 'success' && outcome.error).toMatch(/not followed \(Location: https:\/\/example.com\/new\)/);
    });

    it('carries Retry-After on retries only', () => {
      expect(classifyStatus(429, 5, { retryAfterMs: 2_000 })).toMatchObject({ kind: 'retry', retryAfterMs: 2_000 });
      expect(classifyStatus(400, 5, { retryAfterMs: 2_000 })).not.toHaveProperty('retryAfterMs');
    });

    it('keeps the response excerpt', () => {
      expect(classifyStatus(500, 5, { responseBody: 'boom' })).toMatchObject({ responseBody: 'boom' });
    });
  });

  describe('classifyError', () => {
    it.each([
      ['ECONNREFUSED'],
      ['ECONNRESET'],
      ['ENOTFOUND'],
      ['EAI_AGAIN'],
      ['ETIMEDOUT'],
      ['EHOSTUNREACH'],
      ['UND_ERR_SOCKET'],
      ['UND_ERR_CONNECT_TIMEOUT'],
      ['CERT_HAS_EXPIRED'],
    ])('%s retries', (code) => {
      const outcome = classifyError(errno(code), 7);
      expect(outcome).toMatchObject({ kind: 'retry', durationMs: 7 });
      expect(outcome.kind !== 'success' && outcome.error).toContain(code);
    });

    it('retries an error without a code, e.g. a socket hang-up', () => {
      expect(classifyError(new Error('socket hang up'), 1)).toMatchObject({ kind: 'retry', error: 'socket hang up' });
    });

    it('finds the code inside an AggregateError (happy eyeballs) or a cause chain', () => {
      const aggregate = new AggregateError([errno('ECONNREFUSED')], '');
      expect(classifyError(aggregate, 1)).toMatchObject({ kind: 'retry', error: expect.stringContaining('ECONNREFUSED') });
      const wrapped = new TypeError('fetch failed', { cause: new TargetRefusedError('rebind.test') });
      expect(classifyError(wrapped, 1)).toMatchObject({ kind: 'retry', error: expect.stringContaining('rebind.test') });
    });

    it('retries a refused target with its message alone, as a name that does not resolve (hosting: one fate for both)', () => {
      expect(classifyError(new TargetRefusedError('10.0.0.1'), 1)).toEqual({
        kind: 'retry',
        error: 'target host 10.0.0.1 cannot be reached: it does not resolve to a public address',
        durationMs: 1,
      });
    });

    it('makes a port the egress rules refuse permanent, with its message', () => {
      expect(classifyError(new PortRefusedError(22, [80, 443]), 1)).toEqual({
        kind: 'permanent',
        error: 'target port 22 is not allowed; allowed ports: 80, 443',
        durationMs: 1,
      });
    });

    it('makes a request undici refuses to send permanent, without its message', () => {
      const outcome = classifyError(errno('UND_ERR_INVALID_ARG', 'invalid x-secret header'), 1);
      expect(outcome).toEqual({ kind: 'permanent', error: 'request rejected before sending (UND_ERR_INVALID_ARG)', durationMs: 1 });
    });

    it('keeps the status code of a response whose body failed', () => {
      expect(classifyError(errno('UND_ERR_SOCKET', 'other side closed'), 1, 200)).toMatchObject({ kind: 'retry', statusCode: 200 });
    });
  });
});
