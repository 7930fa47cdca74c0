import type { SlotLease, TenantCounters } from '../../engine/counters';
import { UpdateBuilder } from './expression';
import { Attr, Keys } from './schema';
import type { Table } from './table';

/** Options of the tenant counters. */
export interface DynamoTenantCountersOptions {
  /**
   * How long one slot counter is used before the next one starts from zero. A slot taken by an invocation
   * that stopped before giving it back (a crash, a timeout) is forgotten when its generation ends; in exchange,
   * for the deliver function's timeout after a generation starts, attempts still running from the previous
   * one are not counted, and a tenant may briefly hold up to twice its cap. @default 600_000
   */
  generationMs: number;
}

export const dynamoTenantCountersDefaults: DynamoTenantCountersOptions = { generationMs: 600_000 };

/** How long a counter item outlives its period before the table's TTL deletes it. */
const keepMs = 3_600_000;

/**
 * The AWS engine's per-tenant caps as counters in the table: one conditional ADD per acquire and per
 * release (the condition `n < cap` makes two invocations racing for the last slot get one each at most),
 * one per block of counted attempts. Items: `CNT#<tenantId>` / `SLOT#<generation>` and `CNT#<tenantId>` / `ATT#<minute>`,
 * each deleted by TTL an hour after its period.
 */
export class DynamoTenantCounters implements TenantCounters {
  private readonly o: DynamoTenantCountersOptions;

  constructor(
    private readonly table: Table,
    options: Partial<DynamoTenantCountersOptions> = {},
  ) {
    this.o = { ...dynamoTenantCountersDefaults, ...options };
  }

  async acquireSlot(tenantId: string, cap: number, now: number): Promise<SlotLease | undefined> {
    const generation = Math.floor(now / this.o.generationMs);
    const ttl = Math.ceil(((generation + 1) * this.o.generationMs + keepMs) / 1000);
    return (await this.increment(Keys.slotCounter(tenantId, generation), 1, cap, ttl)) ? { tenantId, generation } : undefined;
  }

  async releaseSlot(lease: SlotLease): Promise<void> {
    const b = new UpdateBuilder().add('n', -1).when((u) => `${u.name('n')} > ${u.value(0)}`);
    await this.table.update(Keys.slotCounter(lease.tenantId, lease.generation), b);
  }

  async countAttempts(tenantId: string, count: number, limit: number, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60_000);
    return this.increment(Keys.attemptCounter(tenantId, minute), count, limit, Math.ceil(((minute + 1) * 60_000 + keepMs) / 1000));
  }

  /** Adds `by` to a counter item if it stays within `max`; returns whether it did. */
  private async increment(key: { PK: string; SK: string }, by: number, max: number, ttl: number): Promise<boolean> {
    if (by > max) return false;
    const b = new UpdateBuilder()
      .add('n', by)
      .set(Attr.ttl, ttl)
      .when((u) => `attribute_not_exists(${u.name('n')}) OR ${u.name('n')} <= ${u.value(max - by)}`);
    return (await this.table.update(key, b)) !== undefined;
  }
}
