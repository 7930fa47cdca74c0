import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MethodNotAllowedError, NotFoundError, QuotaExceededError, ValidationError } from '../domain/errors';
import { MessageStateConflictError } from '../messages/errors';
import { ScheduleStateConflictError } from '../schedules/errors';
import { describeError, errorResult, errorTable } from './errors';

describe('error mapping', () => {
  const spec = parse(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8'));
  const documented: string[] = spec.components.schemas.ErrorCode.enum;

  it('documents every code the error table can produce, plus internal', () => {
    for (const [, , code] of errorTable) expect(documented).toContain(code);
    expect(documented).toContain('internal');
  });

  it('produces every documented code but internal from the table', () => {
    const produced = new Set(errorTable.map(([, , code]) => code));
    expect(documented.filter((code) => code !== 'internal' && !produced.has(code))).toEqual([]);
  });

  it('maps subclasses by their category and keeps details', () => {
    class AppGone extends NotFoundError {}
    expect(describeError(new AppGone('app x not found'))).toEqual({
      statusCode: 404,
      body: { error: 'not_found', message: 'app x not found' },
    });
    const v = describeError(new ValidationError('bad', [{ path: 'a', issue: 'b' }]));
    expect(v.body).toEqual({ error: 'invalid_request', message: 'bad', details: [{ path: 'a', issue: 'b' }] });
  });

  it("states a conflict's current state and a 429's limit as named fields; details stay an array of {path, issue}", () => {
    expect(describeError(new MessageStateConflictError('msg_1', 'delivered', 'abort')).body).toEqual({
      error: 'conflict',
      message: 'cannot abort message msg_1: it is delivered',
      current: { status: 'delivered' },
    });
    expect(describeError(new ScheduleStateConflictError('sch_1', 'completed', 'resume')).body.current).toEqual({ state: 'completed' });
    const quota = describeError(new QuotaExceededError('used up', 5, { kind: 'quota', limit: 5, period: 'DAY' })).body;
    expect(quota).toEqual({ error: 'quota_exceeded', message: 'used up', exceeded: { kind: 'quota', limit: 5, period: 'DAY' } });
    expect(describeError(new ValidationError('bad', [])).body).toEqual({ error: 'invalid_request', message: 'bad' });
  });

  it('sets Retry-After on 429s, at least one second', () => {
    expect(describeError(new QuotaExceededError('used up', 0.2)).headers).toEqual({ 'retry-after': '1' });
  });

  it('lists the allowed methods of a 405 in Allow', () => {
    expect(describeError(new MethodNotAllowedError('PUT is not allowed', ['GET', 'POST']))).toEqual({
      statusCode: 405,
      body: { error: 'method_not_allowed', message: 'PUT is not allowed' },
      headers: { allow: 'GET, POST' },
    });
  });

  it('answers with the security headers, never cached', () => {
    expect(errorResult(new ValidationError('bad')).headers).toEqual({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
    });
  });

  it('reveals nothing of unexpected errors', () => {
    expect(describeError(new Error('SQLITE_CORRUPT at /secret/path'))).toEqual({
      statusCode: 500,
      body: { error: 'internal', message: 'internal error; it has been logged' },
    });
  });
});
