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

  describe('ids reveal nothing of other tenants', () => {
    /** The 128-bit payload of an id (what follows its KSUID second). */
    const payload = (id: string): bigint => BigInt(`0x${KSUID.parse(id.slice(4)).payload.toString('hex')}`);
    const at = new Date(Date.UTC(2026, 11, 7, 12, 0, 0, 250));

    it("keeps a tenant's ids of one second increasing by one small random step each, whatever other tenants create", () => {
      const a: string[] = [];
      const b: string[] = [];
      for (let i = 0; i < 30; i++) {
        a.push(newId('msg', { tenantId: 'ten_a', at }));
        // Interleaved: another tenant creates a varying number of ids between two of A's.
        for (let j = 0; j < i * 5; j++) b.push(newId('msg', { tenantId: 'ten_b', at }));
      }
      for (const ids of [a, b]) {
        for (let i = 1; i < ids.length; i++) {
          const gap = payload(ids[i]) - payload(ids[i - 1]);
          // One step of at most 2^32: with a shared counter, A's gap would grow with B's creations (up to 145 steps here).
          expect(gap >= 1n && gap <= 2n ** 32n).toBe(true);
        }
      }
      expect([...a].sort()).toEqual(a);
    });

    it('gives ids without a tenant fresh random bits each, so neighbours are far apart', () => {
      const ids = Array.from({ length: 200 }, () => newId('ten', at));
      let near = 0;
      for (let i = 1; i < ids.length; i++) {
        const gap = payload(ids[i]) - payload(ids[i - 1]);
        if (gap >= -(2n ** 64n) && gap <= 2n ** 64n) near++;
      }
      expect(near).toBe(0);
    });

    it("starts a tenant's sequence afresh each second", () => {
      const first = newId('msg', { tenantId: 'ten_c', at });
      const next = newId('msg', { tenantId: 'ten_c', at: new Date(at.getTime() + 1000) });
      expect(next > first).toBe(true);
      const gap = payload(next) - payload(first);
      expect(gap < -(2n ** 64n) || gap > 2n ** 64n).toBe(true);
    });
  });

  it('refuses times outside the KSUID range', () => {
    expect(() => newId('msg', new Date(0))).toThrow(TypeError);
    expect(() => newId('msg', new Date(Number.NaN))).toThrow(TypeError);
  });
});
