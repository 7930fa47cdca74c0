import { attemptsPerMinuteOf, MinuteBudgets, nextMinuteAt } from './rate';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('MinuteBudgets', () => {
  it('counts each tenant’s attempts up to its limit within one UTC minute', () => {
    const b = new MinuteBudgets();
    expect([1, 2, 3].map(() => b.take('ten_a', 2, T0 + 1_000))).toEqual([true, true, false]);
    expect(b.take('ten_b', 2, T0 + 1_000)).toBe(true);
    expect([b.isSpent('ten_a', T0 + 59_999), b.isSpent('ten_b', T0 + 59_999)]).toEqual([true, false]);
  });

  it('gives the budget back when the next minute begins', () => {
    const b = new MinuteBudgets();
    b.take('ten_a', 1, T0);
    expect(b.take('ten_a', 1, T0 + 59_999)).toBe(false);
    expect(b.isSpent('ten_a', T0 + 60_000)).toBe(false);
    expect(b.take('ten_a', 1, T0 + 60_000)).toBe(true);
  });

  it('never refuses a tenant without a limit', () => {
    const b = new MinuteBudgets();
    for (let i = 0; i < 10_000; i++) expect(b.take('ten_a', undefined, T0)).toBe(true);
    expect(b.isSpent('ten_a', T0)).toBe(false);
  });
});

describe('attemptsPerMinuteOf / nextMinuteAt', () => {
  it('takes the lower of the plan’s and the operator’s limits', () => {
    expect(attemptsPerMinuteOf(600, undefined)).toBe(600);
    expect(attemptsPerMinuteOf(undefined, 100)).toBe(100);
    expect(attemptsPerMinuteOf(600, 100)).toBe(100);
    expect(attemptsPerMinuteOf(undefined, undefined)).toBeUndefined();
  });

  it('is the next UTC minute boundary', () => {
    expect(nextMinuteAt(T0)).toBe(T0 + 60_000);
    expect(nextMinuteAt(T0 + 59_999)).toBe(T0 + 60_000);
  });
});
