import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirMode } from './data-dir';

/** The lock file's name in the data directory. */
export const lockFile = 'punctual.lock';

/** Another live process holds the data directory: two servers on one directory would both deliver and strand each other's messages. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the data directory ${dataDir} is in use by another punctual server (pid ${pid}); stop it, or set PUNCTUAL_DATA_DIR elsewhere`);
  }
}

/** A held data-directory lock. */
export interface DataDirLock {
  /** Removes the lock file if it is still ours; idempotent. */
  release(): void;
}

/** Whether a process with this id runs (EPERM: it runs, as another user). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid a lock file holds, or undefined when it is unreadable, empty or not a pid. */
const holderOf = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** How often a start retries when the lock file changes hands under it (another start took over the same stale lock). */
const maxAttempts = 3;

/**
 * Takes the data directory's exclusive lock: a file holding our pid, created with O_EXCL so one of two racing starts
 * wins. A lock whose pid no longer runs (the holder crashed or was killed) is stale and taken over; a live holder's
 * refuses with `DataDirLockedError`. Released by `release()`, and on process exit as a backstop. The CLI does not take it:
 * it works beside a running server, as SQLite's WAL allows.
 */
export const lockDataDir = (dataDir: string): DataDirLock => {
  const file = join(dataDir, lockFile);
  for (let attempt = 1; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', DataDirMode.file);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = holderOf(file);
      // An empty file may be a racing start between its create and its write: give it the benefit of the doubt once.
      if (holder !== undefined && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      if (attempt >= maxAttempts) throw new DataDirLockedError(dataDir, holder ?? 0);
      if (holder === undefined && attempt === 1) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // a start is synchronous here: a short blocking pause
        continue;
      }
      try {
        unlinkSync(file); // stale: its holder is gone
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    // Never remove a lock another process took over (ours went stale, e.g. the machine was suspended).
    if (holderOf(file) === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    }
  };
  process.once('exit', release);
  return { release };
};
