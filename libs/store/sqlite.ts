import type { Stores } from './port';
import type Database from 'better-sqlite3';
import { SqliteAppStore, SqliteKeyStore, SqliteTenantStore } from './sqlite/accounts';
import { openDatabase, type SqliteOptions } from './sqlite/database';
import { SqliteMessageStore } from './sqlite/messages';
import { SqliteScheduleStore } from './sqlite/schedules';
import { SqliteUsageStore } from './sqlite/usage';

/** Every store port, backed by one SQLite file. */
export interface SqliteStores extends Stores {
  /** The underlying database, for runtime-level concerns (checkpoints, metadata). */
  db: Database.Database;
  close(): void;
}

/** Opens (and migrates) the SQLite database and builds every store over it. */
export const createSqliteStores = (options: SqliteOptions): SqliteStores => {
  const db = openDatabase(options);
  return {
    db,
    tenants: new SqliteTenantStore(db),
    apps: new SqliteAppStore(db),
    keys: new SqliteKeyStore(db),
    messages: new SqliteMessageStore(db),
    schedules: new SqliteScheduleStore(db),
    usage: new SqliteUsageStore(db),
    close: () => {
      if (db.open) db.close();
    },
  };
};
