import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Modes of the data directory and its files: the owner's alone, whatever the umask. */
export const DataDirMode = {
  /** The directory: only its owner may list or enter it. */
  dir: 0o700,
  /** Every file in it (database, WAL, token hash, lock): only its owner may read or write it. */
  file: 0o600,
} as const;

/** What preparing the data directory changed. */
export interface PreparedDataDir {
  /** Paths whose modes were looser than `DataDirMode` and were tightened (a directory made before this rule, or by hand). */
  tightened: string[];
}

/** The database file's name in the data directory. */
export const databaseFile = 'punctual.db';

/**
 * Creates the data directory (0700) if needed, takes group and other permissions off it and every file in it, and creates
 * the database file (0600) before SQLite opens it: SQLite gives its WAL and shared-memory files the database file's mode,
 * so they are 0600 too. A umask can only take bits away from the modes asked for, and `chmod` ignores it.
 */
export const prepareDataDir = (dir: string): PreparedDataDir => {
  const tightened: string[] = [];
  mkdirSync(dir, { recursive: true, mode: DataDirMode.dir });
  // Tightening only takes permissions away from group and others: an owner who made the directory read-only keeps it so.
  const tighten = (path: string) => {
    const st = lstatSync(path);
    if (!(st.mode & 0o077) || st.isSymbolicLink()) return;
    chmodSync(path, st.mode & 0o700);
    tightened.push(path);
  };
  tighten(dir);
  closeSync(openSync(join(dir, databaseFile), 'a', DataDirMode.file));
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isFile()) tighten(join(dir, entry.name));
  return { tightened };
};
