import type Database from 'better-sqlite3';
import type { FinishedRef, RetentionStore } from '../../messages/port';

/** Statuses a message never leaves on its own (only a redrive moves `failed` and `aborted` on). */
const finishedStatuses = new Set(['delivered', 'failed', 'aborted']);

/**
 * The retention sweep's side of the SQLite store. It walks the tables in storage order from a cursor
 * (messages by rowid, idempotency records by key) rather than through an index of finished or expired
 * rows: an index would cost a write on every delivery, while a walk costs the sweep a bounded read per
 * batch, off the hot path.
 */
export class SqliteRetentionStore implements RetentionStore {
  private readonly s;
  private readonly deleteTx;

  constructor(db: Database.Database) {
    this.s = {
      walk: db.prepare('SELECT rowid, id, tenant_id, status, updated_at FROM messages WHERE rowid > ? ORDER BY rowid LIMIT ?'),
      deleteMessage: db.prepare(
        "DELETE FROM messages WHERE id = ? AND tenant_id = ? AND updated_at = ? AND status IN ('delivered', 'failed', 'aborted')",
      ),
      deleteAttempts: db.prepare('DELETE FROM attempts WHERE message_id = ?'),
      walkIdempotency: db.prepare(
        'SELECT app_id, key, expires_at FROM idempotency WHERE (app_id, key) > (?, ?) ORDER BY app_id, key LIMIT ?',
      ),
      deleteIdempotency: db.prepare('DELETE FROM idempotency WHERE app_id = ? AND key = ? AND expires_at <= ?'),
    };
    this.deleteTx = db.transaction((refs: FinishedRef[]): number => {
      let n = 0;
      for (const r of refs) {
        if (this.s.deleteMessage.run(r.id, r.tenantId, r.finishedAt).changes === 0) continue;
        this.s.deleteAttempts.run(r.id);
        n++;
      }
      return n;
    });
  }

  async finished(cursor: string | undefined, limit: number): Promise<{ refs: FinishedRef[]; cursor?: string }> {
    const rows = this.s.walk.all(Number(cursor ?? 0), limit) as {
      rowid: number;
      id: string;
      tenant_id: string;
      status: string;
      updated_at: number;
    }[];
    const refs = rows
      .filter((r) => finishedStatuses.has(r.status))
      .map((r) => ({ id: r.id, tenantId: r.tenant_id, finishedAt: r.updated_at }));
    return rows.length < limit ? { refs } : { refs, cursor: String(rows[rows.length - 1].rowid) };
  }

  async deleteFinished(refs: FinishedRef[]): Promise<number> {
    return refs.length ? this.deleteTx(refs) : 0;
  }

  async deleteExpiredIdempotency(now: number, cursor: string | undefined, limit: number): Promise<{ deleted: number; cursor?: string }> {
    const [app, key] = cursor ? (JSON.parse(cursor) as [string, string]) : ['', ''];
    const rows = this.s.walkIdempotency.all(app, key, limit) as { app_id: string; key: string; expires_at: number }[];
    const expired = rows.filter((r) => r.expires_at <= now);
    let deleted = 0;
    for (const r of expired) deleted += this.s.deleteIdempotency.run(r.app_id, r.key, now).changes;
    const last = rows[rows.length - 1];
    return rows.length < limit ? { deleted } : { deleted, cursor: JSON.stringify([last.app_id, last.key]) };
  }
}
