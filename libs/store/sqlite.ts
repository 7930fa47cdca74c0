import type { Stores } from './port';
import type Database from 'better-sqlite3';
import { SqliteAppStore, SqliteKeyStore, SqliteTenantStore } from './sqlite/accounts';
import { startCheckpointer } from './sqlite/checkpointer';
import { openDatabase, type SqliteOptions } from './sqlite/database';
import { SqliteMessageStore } from './sqlite/messages';
import { SqliteRetentionStore } from './sqlite/retention';
import { SqliteScheduleStore } from './sqlite/schedules';
import { SqliteUsageStore } from './sqlite/usage';

/** Every store port, backed by one SQLite file. */
export interface SqliteStores extends Stores {
  /** The underlying database, for runtime-level concerns (checkpoints, metadata). */
  db: Database.Database;
  /** What the retention sweep deletes (libs/messages/retention.ts). */
  retention: SqliteRetentionStore;
  close(): void;
}

/** Opens (and migrates) the SQLite database and builds every store over it. */
export const createSqliteStores = (options: SqliteOptions): SqliteStores => {
  const inFile = options.filename !== ':memory:' && options.filename !== '';
  const db = openDatabase({ checkpointInBackground: inFile, ...options });
  const checkpointer = inFile && db.pragma('journal_mode', { simple: true }) === 'wal' ? startCheckpointer(options.filename) : undefined;
  const messages = new SqliteMessageStore(db);
  return {
    db,
    tenants: new SqliteTenantStore(db),
    apps: new SqliteAppStore(db),
    keys: new SqliteKeyStore(db),
    messages,
    schedules: new SqliteScheduleStore(db),
    usage: new SqliteUsageStore(db),
    retention: new SqliteRetentionStore(db),
    close: () => {
      if (!db.open) return;
      messages.flush();
      checkpointer?.close(); // first, so the main connection is the last and removes the WAL
      db.close();
    },
  };
};
