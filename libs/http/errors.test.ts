import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MethodNotAllowedError, NotFoundError, QuotaExceededError, ValidationError } from '../domain/errors';
import { describeError, errorTable } from './errors';

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

  it('reveals nothing of unexpected errors', () => {
    expect(describeError(new Error('SQLITE_CORRUPT at /secret/path'))).toEqual({
      statusCode: 500,
      body: { error: 'internal', message: 'internal error; it has been logged' },
    });
  });
});
