import fc from 'fast-check';
import { ValidationError } from '../domain/errors';
import { parseInput } from '../domain/validate';
import { messageCreateSchema } from './schemas';

/** What zod alone says of `v`: its output, or that it refuses. */
const byZod = (v: unknown) => {
  const r = messageCreateSchema.safeParse(v);
  return r.success ? { ok: true, data: r.data } : { ok: false };
};

/** What the API does (the hand-written fast path for common bodies, zod for the rest). */
const byApi = (v: unknown) => {
  try {
    return { ok: true, data: parseInput(messageCreateSchema, v) };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { ok: false };
  }
};

const value = fc.oneof(
  fc.jsonValue(),
  fc.string({ maxLength: 300 }),
  fc.integer({ min: -5, max: 31_536_005 }),
  fc.double(),
  fc.constantFrom(
    undefined,
    null,
    '',
    'app_1',
    '2026-11-24T12:00:00Z',
    '2026-11-24T12:00:00.123+05:30',
    '2026-13-01T00:00:00Z',
    '2026-11-24 12:00:00',
    '90s',
    '1h30m',
    '365d',
    '366d',
    1.5,
    -1,
    0,
    31_536_000,
    31_536_001,
  ),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
);
const body = fc.dictionary(
  fc.constantFrom('appId', 'payload', 'sendAt', 'delaySeconds', 'delay', 'idempotencyKey', 'headers', 'extra', '__proto__'),
  value,
  { maxKeys: 6 },
);
/** Mostly valid bodies with values at and just past every limit, so the fast path's edges are exercised. */
const nearValid = fc.record(
  {
    appId: fc.oneof(fc.string({ minLength: 1, maxLength: 101 }), fc.constant('a'.repeat(100)), fc.constant('a'.repeat(101)), fc.integer()),
    payload: fc.oneof(fc.jsonValue(), fc.constant({ n: Number.NaN }), fc.constant([1, undefined])),
    sendAt: fc.oneof(
      fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2026-11-24T12:00:00+01:00', '2026-11-24T12:00Z', '2026-11-24'),
    ),
    delaySeconds: fc.oneof(fc.integer({ min: -2, max: 31_536_002 }), fc.constantFrom(0, 31_536_000, 31_536_001, -1, 2.5)),
    delay: fc.constantFrom('90s', '10m', '1h30m', '2d', '0s', '365d', '366d', '1.5h', '', 5),
    idempotencyKey: fc.oneof(fc.string({ maxLength: 257 }), fc.constant('k'.repeat(256)), fc.constant('k'.repeat(257))),
  },
  { requiredKeys: [] },
);

describe('messageCreateSchema fast path', () => {
  it('accepts and outputs exactly what zod does, and refuses what zod refuses', () => {
    fc.assert(
      fc.property(fc.oneof(body, nearValid), (v) => {
        expect(byApi(v)).toEqual(byZod(v));
      }),
      { numRuns: 20_000, seed: 20261124 },
    );
  });

  it.each([
    ['the common body', { appId: 'app_1', payload: { a: [1, 'x', null] }, sendAt: '2026-11-24T12:00:00Z', idempotencyKey: 'k' }],
    ['a delay', { payload: 'hi', delaySeconds: 0 }],
    ['both times', { payload: 1, sendAt: '2026-11-24T12:00:00Z', delaySeconds: 5 }],
    ['a delay string', { payload: 1, delay: '1h30m' }],
    ['a delay string and seconds', { payload: 1, delay: '90s', delaySeconds: 90 }],
    ['no payload', { appId: 'app_1' }],
    ['a non-finite number deep inside', { payload: { a: [Number.NaN] } }],
    ['a long appId', { payload: {}, appId: 'a'.repeat(101) }],
    ['a fractional delay', { payload: {}, delaySeconds: 1.5 }],
  ])('agrees with zod on %s', (_, v) => {
    expect(byApi(v)).toEqual(byZod(v));
  });
});
