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

/** Options of the SQLite stores: the database's, and who observes the background checkpoints. */
export interface SqliteStoresOptions extends SqliteOptions {
  /** Observes how long each background WAL checkpoint took, ms (operator metrics). */
  onCheckpoint?: (durationMs: number) => void;
}

/** Opens (and migrates) the SQLite database and builds every store over it. */
export const createSqliteStores = (options: SqliteStoresOptions): SqliteStores => {
  const { onCheckpoint, ...database } = options;
  const inFile = options.filename !== ':memory:' && options.filename !== '';
  const db = openDatabase({ checkpointInBackground: inFile, ...database });
  const wal = inFile && db.pragma('journal_mode', { simple: true }) === 'wal';
  const checkpointer = wal ? startCheckpointer(options.filename, { onCheckpoint }) : undefined;
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
