/** The usage store contract (run for every adapter by ./index.ts). Tests only. */
import type { UsageStore } from '../../../libs/usage/port';
import type { ContractContext } from './context';

/** Registers the usage store contract; `store` gives the fresh store of the current test. */
export const describeUsageContract = (store: () => UsageStore, { A, B }: ContractContext): void => {
  const row = (keyId: string, date: string, n: number) => ({
    tenantId: A,
    keyId,
    date,
    requests: n,
    messagesScheduled: 2 * n,
    deliveries: n,
    attempts: 3 * n,
    failures: 0,
  });

  it('adds increments and queries by tenant, range and key', async () => {
    await store().increment([row('key_a', '2026-06-01', 1), row('key_b', '2026-06-01', 5)]);
    await store().increment([
      row('key_a', '2026-06-01', 2),
      row('key_a', '2026-06-03', 1),
      { ...row('key_c', '2026-06-01', 9), tenantId: B },
    ]);
    expect(await store().query(A, '2026-06-01', '2026-06-02')).toEqual([row('key_a', '2026-06-01', 3), row('key_b', '2026-06-01', 5)]);
    expect(await store().query(A, '2026-06-01', '2026-06-30', 'key_a')).toEqual([
      row('key_a', '2026-06-01', 3),
      row('key_a', '2026-06-03', 1),
    ]);
    expect(await store().query(A, '2026-06-01', '2026-06-30', 'key_c')).toEqual([]);
    expect(await store().requestsSince('key_a', '2026-06-02')).toBe(1);
    expect(await store().requestsSince('key_a', '2026-05-01')).toBe(4);
  });
};
