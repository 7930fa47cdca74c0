import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { MetricsSources } from './prometheus';

/** Options of the SQLite gauges. */
export interface SqliteGaugeOptions {
  /** How long a pending count is reused: counting walks the due index, which holds every scheduled message. @default 5_000 */
  pendingTtlMs: number;
}

/**
 * The gauges read from the embedded runtime's SQLite file: scheduled messages (a count over the partial due index, at
 * most once per `pendingTtlMs` however often Prometheus scrapes) and the size of the write-ahead log.
 */
export const sqliteSources = (
  db: Database.Database,
  filename: string,
  options: Partial<SqliteGaugeOptions> = {},
): Pick<MetricsSources, 'pending' | 'walBytes'> => {
  const ttl = options.pendingTtlMs ?? 5_000;
  const count = db.prepare("SELECT count(*) AS n FROM messages WHERE status = 'scheduled'").pluck();
  let cached: { n: number; at: number } | undefined;
  return {
    pending: () => {
      const now = performance.now();
      if (!cached || now - cached.at > ttl) cached = { n: count.get() as number, at: now };
      return cached.n;
    },
    walBytes: () => {
      try {
        return statSync(`${filename}-wal`).size;
      } catch {
        return 0; // no WAL file: everything is checkpointed (or the database is closed)
      }
    },
  };
};
