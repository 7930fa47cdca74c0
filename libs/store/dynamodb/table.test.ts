import { mapLimit, mapLimitKeyed, prune } from './table';

const tick = () => new Promise((r) => setImmediate(r));

describe('table helpers', () => {
  describe('mapLimit', () => {
    it('keeps input order and never exceeds the bound', async () => {
      let inFlight = 0;
      let most = 0;
      const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
        most = Math.max(most, ++inFlight);
        for (let i = 0; i < n; i++) await tick();
        inFlight--;
        return n * 10;
      });
      expect(out).toEqual([50, 10, 40, 20, 30]);
      expect(most).toBe(2);
    });
  });

  describe('mapLimitKeyed', () => {
    it('runs items with the same key one after another, in input order', async () => {
      const log: string[] = [];
      const items = [
        { key: 'k', n: 3 },
        { key: undefined, n: 1 },
        { key: 'k', n: 1 },
      ];
      const out = await mapLimitKeyed(
        items,
        4,
        (i) => i.key,
        async (i) => {
          log.push(`start ${i.key}${i.n}`);
          for (let t = 0; t < i.n; t++) await tick();
          log.push(`end ${i.key}${i.n}`);
          return i.n;
        },
      );
      expect(out).toEqual([3, 1, 1]);
      expect(log.indexOf('start k1')).toBeGreaterThan(log.indexOf('end k3'));
      expect(log.indexOf('start undefined1')).toBeLessThan(log.indexOf('end k3'));
    });
  });

  describe('prune', () => {
    it('drops undefined values at any depth and keeps nulls', () => {
      expect(prune({ a: 1, b: undefined, c: { d: undefined, e: null }, f: [{ g: undefined }] })).toStrictEqual({
        a: 1,
        c: { e: null },
        f: [{}],
      });
    });

    it('keeps binary values and sets whole', () => {
      const bytes = Uint8Array.of(1, 2, 3);
      const ids = new Set(['a']);
      expect(prune({ bytes, ids, gone: undefined })).toStrictEqual({ bytes, ids });
    });
  });
});
