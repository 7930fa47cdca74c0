import { ManualClock } from '../domain/clock';
import type { DueRef } from '../messages/port';
import { createLogger } from '../observability/logger';
import type { Tenant, TenantStatus } from './model';
import { HeldReleaser } from './release';

const T0 = Date.UTC(2026, 5, 1, 12);

/** A releaser over in-memory tenants and held messages, with an engine that records what it is given. */
const setup = (held: Record<string, string[]>, statuses: Record<string, TenantStatus>) => {
  const clock = new ManualClock(T0);
  const enqueued: DueRef[] = [];
  const forgotten: string[] = [];
  let failing = false;
  const releaser = new HeldReleaser(
    {
      tenants: {
        get: async (id) => (statuses[id] ? ({ id, status: statuses[id] } as Tenant) : undefined),
      },
      messages: {
        tenantsWithHeld: async () => Object.keys(held).filter((t) => held[t].length),
        releaseHeld: async (tenantId, dueAt) => {
          if (failing) throw new Error('database is locked');
          const refs = (held[tenantId] ?? []).map((id) => ({ id, tenantId, dueAt }));
          held[tenantId] = [];
          return refs;
        },
      },
      engine: { enqueue: async (refs) => void enqueued.push(...refs) },
      clock,
      logger: createLogger('silent'),
      forget: (t) => void forgotten.push(t),
    },
    { intervalMs: 60_000 },
  );
  return { releaser, enqueued, forgotten, fail: (on: boolean) => (failing = on) };
};

describe('HeldReleaser', () => {
  it('at start, releases the held messages of tenants that are active again (resumed while the server was down)', async () => {
    const s = setup({ ten_a: ['msg_1', 'msg_2'], ten_b: ['msg_3'] }, { ten_a: 'active', ten_b: 'suspended' });
    await s.releaser.start();
    expect(s.enqueued).toEqual([
      { id: 'msg_1', tenantId: 'ten_a', dueAt: T0 },
      { id: 'msg_2', tenantId: 'ten_a', dueAt: T0 },
    ]);
    expect(s.forgotten).toEqual(['ten_a']);
    await s.releaser.close();
  });

  it('keeps watching a suspended tenant and releases it once it is resumed, retrying after a failure', async () => {
    const statuses: Record<string, TenantStatus> = { ten_b: 'suspended' };
    const s = setup({ ten_b: ['msg_3'] }, statuses);
    await s.releaser.start();
    expect(s.enqueued).toEqual([]);
    statuses.ten_b = 'active';
    s.fail(true);
    await s.releaser.release('ten_b');
    expect(s.enqueued).toEqual([]);
    s.fail(false);
    await s.releaser.release('ten_b');
    expect(s.enqueued).toEqual([{ id: 'msg_3', tenantId: 'ten_b', dueAt: T0 }]);
    await s.releaser.close();
  });
});
