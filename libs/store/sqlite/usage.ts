import type Database from 'better-sqlite3';
import type { UsageRow } from '../../usage/model';
import type { UsageStore } from '../../usage/port';

const columns = `tenant_id AS tenantId, key_id AS keyId, date, requests, messages_scheduled AS messagesScheduled,
  deliveries, attempts, failures`;

export class SqliteUsageStore implements UsageStore {
  private readonly s;
  private readonly incrementTx;
  constructor(db: Database.Database) {
    this.s = {
      upsert: db.prepare(`INSERT INTO usage_daily (key_id, date, tenant_id, requests, messages_scheduled, deliveries, attempts, failures)
        VALUES (@keyId, @date, @tenantId, @requests, @messagesScheduled, @deliveries, @attempts, @failures)
        ON CONFLICT (key_id, date) DO UPDATE SET requests = requests + excluded.requests,
          messages_scheduled = messages_scheduled + excluded.messages_scheduled, deliveries = deliveries + excluded.deliveries,
          attempts = attempts + excluded.attempts, failures = failures + excluded.failures`),
      byTenant: db.prepare(`SELECT ${columns} FROM usage_daily WHERE tenant_id = ? AND date >= ? AND date <= ? ORDER BY date, key_id`),
      byKey: db.prepare(`SELECT ${columns} FROM usage_daily WHERE tenant_id = ? AND date >= ? AND date <= ? AND key_id = ? ORDER BY date`),
      since: db.prepare('SELECT COALESCE(SUM(requests), 0) AS n FROM usage_daily WHERE key_id = ? AND date >= ?'),
    };
    this.incrementTx = db.transaction((rows: UsageRow[]) => {
      for (const r of rows) this.s.upsert.run(r);
    });
  }
  async increment(rows: UsageRow[]): Promise<void> {
    if (rows.length) this.incrementTx(rows);
  }
  async query(tenantId: string, from: string, to: string, keyId?: string): Promise<UsageRow[]> {
    return (keyId ? this.s.byKey.all(tenantId, from, to, keyId) : this.s.byTenant.all(tenantId, from, to)) as UsageRow[];
  }
  async requestsSince(keyId: string, fromDate: string): Promise<number> {
    return (this.s.since.get(keyId, fromDate) as { n: number }).n;
  }
}
