import { counterNames, type UsageRow } from '../../usage/model';
import type { UsageStore } from '../../usage/port';
import { UpdateBuilder } from './expression';
import { Attr, Collections, Index, Keys } from './schema';
import { mapLimit, type Item, type Table } from './table';

const toRow = (item: Item): UsageRow => ({
  tenantId: item.tenantId as string,
  keyId: item.keyId as string,
  date: item.date as string,
  requests: (item.requests as number | undefined) ?? 0,
  messagesScheduled: (item.messagesScheduled as number | undefined) ?? 0,
  deliveries: (item.deliveries as number | undefined) ?? 0,
  attempts: (item.attempts as number | undefined) ?? 0,
  failures: (item.failures as number | undefined) ?? 0,
});

/**
 * Usage rows: one item per (key, date) under `USE#<keyId>`, counted with `ADD` so concurrent
 * increments never lose one, and listed per tenant by date then key through the byTenant index.
 */
export class DynamoUsageStore implements UsageStore {
  constructor(
    private readonly table: Table,
    private readonly concurrency: number,
  ) {}

  async increment(rows: UsageRow[]): Promise<void> {
    await mapLimit(rows, this.concurrency, async (r) => {
      const b = new UpdateBuilder()
        .set('tenantId', r.tenantId)
        .set('keyId', r.keyId)
        .set('date', r.date)
        .set(Attr.gsi2pk, Collections.tenantUsage(r.tenantId))
        .set(Attr.gsiSk, `${r.date}#${r.keyId}`);
      for (const c of counterNames) b.add(c, r[c]);
      await this.table.update(Keys.usage(r.keyId, r.date), b);
    });
  }

  async query(tenantId: string, from: string, to: string, keyId?: string): Promise<UsageRow[]> {
    if (from > to) return [];
    if (keyId !== undefined) {
      const items = await this.table.query({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': Keys.usage(keyId, from).PK, ':from': from, ':to': to },
        ConsistentRead: true,
      });
      return items.filter((i) => i.tenantId === tenantId).map(toRow);
    }
    // `~` sorts after every key id, so the range covers all keys of the last day.
    const entries = await this.table.query({
      IndexName: Index.byTenant,
      KeyConditionExpression: 'G2 = :pk AND GS BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': Collections.tenantUsage(tenantId), ':from': `${from}#`, ':to': `${to}#~` },
    });
    const items = await this.table.batchGet(entries.map((e) => ({ PK: e.PK as string, SK: e.SK as string })));
    return items.filter((i) => i.tenantId === tenantId).map(toRow);
  }

  async requestsSince(keyId: string, fromDate: string): Promise<number> {
    const items = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND SK >= :from',
      ExpressionAttributeValues: { ':pk': Keys.usage(keyId, fromDate).PK, ':from': fromDate },
      ProjectionExpression: '#requests',
      ExpressionAttributeNames: { '#requests': 'requests' },
      ConsistentRead: true,
    });
    return items.reduce((n, i) => n + ((i.requests as number | undefined) ?? 0), 0);
  }
}
