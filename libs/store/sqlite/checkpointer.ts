import Database from 'better-sqlite3';

/**
 * WAL checkpoints off the commit path: the main connection no longer checkpoints inside its
 * commits (its `wal_autocheckpoint` is only a far backstop, see `openDatabase`); a second
 * connection runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs` from a timer, which never
 * waits for readers or writers and bounds the WAL between two ticks.
 *
 * It runs on the main thread: a worker thread was tried, but its connection closes after
 * `close()` returns (asynchronously), so it could still touch the -wal/-shm files while a caller
 * removes the data directory.
 */
export interface Checkpointer {
  /** Stops the timer and closes the second connection (synchronously). */
  close(): void;
}

/**
 * Starts checkpointing a database file (not `:memory:`) from a second connection; `onCheckpoint` observes how long each
 * checkpoint took (operator metrics).
 */
export const startCheckpointer = (filename: string, intervalMs = 250, onCheckpoint?: (durationMs: number) => void): Checkpointer => {
  const db = new Database(filename);
  db.pragma('busy_timeout = 0');
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => {
    try {
      const started = performance.now();
      checkpoint.run();
      onCheckpoint?.(performance.now() - started);
    } catch {
      // Busy or closing: the next tick tries again, and the backstop still bounds the WAL.
    }
  }, intervalMs);
  timer.unref();
  return {
    close: () => {
      clearInterval(timer);
      if (db.open) db.close();
    },
  };
};
