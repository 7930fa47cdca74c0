import type { PendingChange } from '../../usage/model';
import type { PendingCounterStore } from '../../usage/port';
import { UpdateBuilder } from './expression';
import { Keys } from './schema';
import { mapLimit, type Table } from './table';

/**
 * The pending-message counters: one item per tenant (`TEN#<t>` / `PENDING`) and per key (`KEY#<k>` / `PENDING`), each
 * `n`, written by the metering aggregator from the table stream with one `ADD` per tenant and key per stream batch,
 * read with one strongly consistent GetItem (0.5 RRU) by the plan limiter. They replace a COUNT query over an index
 * (which reads every pending entry, per key, every second) and the `pendingByKey` index itself.
 *
 * They lag the writes by the stream's delay (about a second on AWS), and a stream batch retried after a part-way
 * counter write adds its changes twice (the aggregator's at-least-once). Reads clamp at zero.
 */
export class DynamoPendingCounters implements PendingCounterStore {
  constructor(
    private readonly table: Table,
    private readonly concurrency: number,
  ) {}

  async add(changes: PendingChange[]): Promise<void> {
    const sums = new Map<string, { key: { PK: string; SK: string }; delta: number }>();
    const sum = (key: { PK: string; SK: string }, delta: number) => {
      const id = `${key.PK}|${key.SK}`;
      const entry = sums.get(id) ?? { key, delta: 0 };
      entry.delta += delta;
      sums.set(id, entry);
    };
    for (const c of changes) {
      sum(Keys.tenantPending(c.tenantId), c.delta);
      if (c.keyId !== undefined) sum(Keys.keyPending(c.keyId), c.delta);
    }
    const writes = [...sums.values()].filter((s) => s.delta !== 0);
    await mapLimit(writes, this.concurrency, (s) => this.table.update(s.key, new UpdateBuilder().add('n', s.delta)));
  }

  /** Scheduled messages created with the key. */
  async ofKey(keyId: string): Promise<number> {
    return this.read(Keys.keyPending(keyId));
  }

  /** The tenant's scheduled messages, held ones included. */
  async ofTenant(tenantId: string): Promise<number> {
    return this.read(Keys.tenantPending(tenantId));
  }

  private async read(key: { PK: string; SK: string }): Promise<number> {
    const n = (await this.table.get(key))?.n;
    return typeof n === 'number' && n > 0 ? n : 0;
  }
}
