import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Options of the SQLite database. */
export interface SqliteOptions {
  /** File path, or `:memory:`. */
  filename: string;
  /**
   * `NORMAL` survives a process crash (WAL); `FULL` also survives power loss, at a write cost.
   * @default 'NORMAL'
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * Whether another connection checkpoints the WAL (so commits on this one do not).
   * @default false
   */
  checkpointInBackground?: boolean;
}

const migrationsDir = join(__dirname, 'migrations');

/** Opens the database in WAL mode and applies pending migrations (numbered `NNN_name.sql`, tracked in `user_version`). */
export const openDatabase = (options: SqliteOptions): Database.Database => {
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  if (options.checkpointInBackground) {
    // Checkpoints run on another connection (see checkpointer.ts); this one checkpoints inside a
    // commit only as a backstop when the WAL passes ~64 MiB (16,384 pages of 4 KiB).
    db.pragma('wal_autocheckpoint = 16384');
  }
  // After a checkpoint has reset the WAL, truncate the file back to this size.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  migrate(db);
  return db;
};

const migrate = (db: Database.Database): void => {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(join(migrationsDir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
};

/** Creates the data directory if needed and returns the database path inside it. */
export const databasePath = (dataDir: string): string => {
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, 'punctual.db');
};
