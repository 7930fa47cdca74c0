import { z } from 'zod';
import { closest } from './closest';
import { ValidationError } from './errors';
import { parseInput } from './validate';

const failure = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
};

describe('parseInput', () => {
  const body = z.strictObject({ appId: z.string(), payload: z.json(), sendAt: z.string().optional() });
  const query = z.strictObject({ status: z.enum(['scheduled', 'failed']).optional(), limit: z.coerce.number().max(100).optional() });

  it('names an unknown body field by its own path, suggesting the field it resembles', () => {
    const err = failure(() => parseInput(body, { appId: 'a', payload: 1, sendat: 'x', zzz: 1 }));
    expect(err.issues).toEqual([
      { path: 'sendat', issue: 'unknown field; did you mean sendAt?' },
      { path: 'zzz', issue: 'unknown field' },
    ]);
    expect(err.message).toBe('sendat: unknown field; did you mean sendAt? (and 1 more)');
  });

  it('names an unknown query parameter as one, never as the body', () => {
    const err = failure(() => parseInput(query, { foo: 'bar' }, '', 'query'));
    expect(err.issues).toEqual([{ path: 'foo', issue: 'unknown query parameter' }]);
    expect(err.message).toBe('query parameter foo: unknown query parameter');
    expect(failure(() => parseInput(query, { stauts: 'failed' }, '', 'query')).issues[0].issue).toMatch(/did you mean status\?/);
    expect(failure(() => parseInput(query, { limit: '1000' }, '', 'query')).issues).toEqual([{ path: 'limit', issue: expect.any(String) }]);
    expect(failure(() => parseInput(query, 'x', '', 'query')).issues[0].path).toBe('(query)');
  });

  it('says "required" of a missing field, whatever its type, and names the whole body (body)', () => {
    expect(failure(() => parseInput(body, {})).issues).toEqual([
      { path: 'appId', issue: 'required' },
      { path: 'payload', issue: 'required' },
    ]);
    expect(failure(() => parseInput(body, { payload: 1 }, 'items.2')).issues).toEqual([{ path: 'items.2.appId', issue: 'required' }]);
    expect(failure(() => parseInput(body, [1])).issues[0]).toEqual({ path: '(body)', issue: expect.stringMatching(/expected object/) });
  });

  it('keeps the type error of a field that is present', () => {
    expect(failure(() => parseInput(body, { appId: 5, payload: 1 })).issues[0].issue).toMatch(/expected string, received number/);
  });
});

describe('closest', () => {
  it('finds a likely typo, ignoring case', () => {
    expect(closest('sendat', ['appId', 'sendAt', 'payload'])).toBe('sendAt');
    expect(closest('delaySecond', ['delaySeconds', 'delay'])).toBe('delaySeconds');
    expect(closest('colour', ['appId', 'payload'])).toBeUndefined();
  });

  it('finds the nearest at any distance when asked', () => {
    expect(closest('PUNCTUAL_DATADIR', ['PUNCTUAL_DATA_DIR', 'PUNCTUAL_HOST'], Number.POSITIVE_INFINITY)).toBe('PUNCTUAL_DATA_DIR');
    expect(closest('PUNCTUAL_X', ['PUNCTUAL_HOST', 'PORT'], Number.POSITIVE_INFINITY)).toBe('PUNCTUAL_HOST');
  });
});
