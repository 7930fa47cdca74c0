import fc from 'fast-check';
import { MinHeap } from './heap';

describe('MinHeap', () => {
  it('pops in ascending key order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const h = new MinHeap<number>((x) => x);
        for (const x of xs) h.push(x);
        const out: number[] = [];
        while (h.size) out.push(h.pop()!);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
      }),
      { seed: 42 },
    );
  });

  it('is empty-safe', () => {
    const h = new MinHeap<number>((x) => x);
    expect(h.pop()).toBeUndefined();
    expect(h.peek()).toBeUndefined();
  });
});
