import { newId } from '../../domain/ids';
import { useDynamoStores } from '../../../test/support/dynalite';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

/** The AWS engine's per-tenant caps as counters on dynalite. */
describe('DynamoTenantCounters', () => {
  const db = useDynamoStores({ shards: 2 });
  const A = newId('ten');
  const B = newId('ten');

  it('hands out at most `cap` slots per tenant, even to racing callers, and takes them back', async () => {
    const c = db.stores.counters;
    const leases = await Promise.all(Array.from({ length: 8 }, () => c.acquireSlot(A, 5, T0)));
    expect(leases.filter(Boolean)).toHaveLength(5);
    expect(await c.acquireSlot(B, 5, T0)).toEqual({ tenantId: B, generation: expect.any(Number) });
    await c.releaseSlot(leases.find(Boolean)!);
    expect(await c.acquireSlot(A, 5, T0 + 1)).toBeDefined();
    expect(await c.acquireSlot(A, 5, T0 + 2)).toBeUndefined();
  });

  it('forgets slots left taken when the next generation starts', async () => {
    const c = db.stores.counters;
    for (let i = 0; i < 3; i++) await c.acquireSlot(A, 3, T0);
    expect(await c.acquireSlot(A, 3, T0)).toBeUndefined();
    expect(await c.acquireSlot(A, 3, T0 + 600_000)).toBeDefined();
  });

  it('never counts a slot below zero', async () => {
    const c = db.stores.counters;
    const lease = (await c.acquireSlot(A, 1, T0))!;
    await c.releaseSlot(lease);
    await c.releaseSlot(lease);
    expect(await c.acquireSlot(A, 1, T0)).toBeDefined();
    expect(await c.acquireSlot(A, 1, T0)).toBeUndefined();
  });

  it('counts attempts per tenant and UTC minute up to the limit, a block at a time, all or none', async () => {
    const c = db.stores.counters;
    const counted = await Promise.all(Array.from({ length: 6 }, () => c.countAttempts(A, 1, 4, T0 + 10)));
    expect(counted.filter(Boolean)).toHaveLength(4);
    expect(await c.countAttempts(B, 3, 4, T0 + 10)).toBe(true);
    expect(await c.countAttempts(B, 2, 4, T0 + 10)).toBe(false);
    expect(await c.countAttempts(B, 1, 4, T0 + 10)).toBe(true);
    expect(await c.countAttempts(A, 5, 4, T0 + 60_000)).toBe(false);
    expect(await c.countAttempts(A, 4, 4, T0 + 60_000)).toBe(true);
  });
});
