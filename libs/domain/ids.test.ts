import { randomBytes } from 'node:crypto';
import KSUID from 'ksuid';
import { isId, ksuidString, newId } from './ids';

describe('ids', () => {
  it('encodes exactly as the ksuid package', () => {
    const times = [14e11, 14e11 + 999, Date.UTC(2026, 10, 23), 1e3 * (2 ** 32 - 1) + 14e11];
    const payloads = [Buffer.alloc(16, 0), Buffer.alloc(16, 0xff), ...Array.from({ length: 500 }, () => randomBytes(16))];
    for (const t of times) for (const p of payloads) expect(ksuidString(t, p)).toBe(KSUID.fromParts(t, p).string);
  });

  it('makes prefixed, parseable, time-ordered ids', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const id = newId('msg', at);
    expect(isId('msg', id)).toBe(true);
    const k = KSUID.parse(id.slice(4));
    expect(k.date.getTime()).toBe(at.getTime());
    expect(newId('msg', new Date(at.getTime() - 1000)) < newId('msg', new Date(at.getTime() + 1000))).toBe(true);
  });

  it('draws fresh randomness for each id across pool refills', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId('app')));
    expect(ids.size).toBe(2000);
  });

  it('refuses times outside the KSUID range', () => {
    expect(() => newId('msg', new Date(0))).toThrow(TypeError);
    expect(() => newId('msg', new Date(Number.NaN))).toThrow(TypeError);
  });
});
