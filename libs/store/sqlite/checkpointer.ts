import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the commit path and off the main thread: the main connection no longer checkpoints inside its
 * commits (its `wal_autocheckpoint` is only a far backstop, see `openDatabase`); a second connection, in a worker
 * thread, runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs`, which never waits for readers or writers and bounds
 * the WAL between two ticks. A checkpoint copies pages and syncs the database file: milliseconds of blocking I/O that,
 * on the main thread, every request and delivery under way waited for (the API's tail latency, a burst's pauses).
 *
 * `close()` stays synchronous, and returns only once the worker's connection is closed (so the main connection is the
 * last one and removes the WAL, and a caller may remove the data directory right after): it posts `close` to the worker
 * and waits on a state word the two threads share with `Atomics.wait` (a checkpoint's few ms at most), until the worker,
 * its connection closed, sets it.
 */
export interface Checkpointer {
  /** Stops checkpointing and closes the second connection (synchronously). */
  close(): void;
}

/** Options of the background checkpoints. */
export interface CheckpointerOptions {
  /** @default 250 ms between two checkpoints */
  intervalMs: number;
  /** @default 5_000 ms `close()` waits at most for the worker's connection to close */
  closeTimeoutMs: number;
  /** Observes how long each checkpoint took, ms (operator metrics). */
  onCheckpoint?: (durationMs: number) => void;
}

const defaults: CheckpointerOptions = { intervalMs: 250, closeTimeoutMs: 5_000 };

/** The shared state word: who owns the worker's connection. */
const State = {
  /** The worker has not opened its connection yet. */
  idle: 0,
  /** The worker checkpoints. */
  running: 1,
  /** The main thread asks the worker to close its connection. */
  closing: 2,
  /** The connection is closed (or was never opened, and never will be). */
  closed: 3,
} as const;

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { state: buffer, filename, driver, intervalMs } = workerData;
const state = new Int32Array(buffer);
const closed = (db) => {
  try {
    if (db && db.open) db.close();
  } finally {
    Atomics.store(state, 0, ${State.closed});
    Atomics.notify(state, 0);
  }
};
// Opens only if close() has not run first. Between checkpoints the thread idles in its event loop.
if (Atomics.compareExchange(state, 0, ${State.idle}, ${State.running}) === ${State.idle}) {
  let db;
  let timer;
  parentPort.on('message', () => {
    clearInterval(timer);
    parentPort.close();
    closed(db);
  });
  try {
    const Database = require(driver);
    db = new Database(filename);
    db.pragma('busy_timeout = 0');
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    timer = setInterval(() => {
      try {
        const started = performance.now();
        checkpoint.run();
        parentPort.postMessage(performance.now() - started);
      } catch {
        // Busy: the next tick tries again, and the backstop still bounds the WAL.
      }
    }, intervalMs);
  } catch {
    // Could not open: the main connection's backstop checkpoints bound the WAL.
    parentPort.close();
    closed(db);
  }
}
`;

/** Starts checkpointing a database file (not `:memory:`) from a second connection in a worker thread. */
export const startCheckpointer = (filename: string, options: Partial<CheckpointerOptions> = {}): Checkpointer => {
  const o = { ...defaults, ...options };
  const state = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { state: state.buffer, filename, driver: require.resolve('better-sqlite3'), intervalMs: o.intervalMs },
  });
  if (o.onCheckpoint) {
    const observe = o.onCheckpoint;
    worker.on('message', (ms: number) => observe(ms));
  }
  // A worker that fails has set `closed` on its way out; the backstop bounds the WAL from then on.
  worker.on('error', () => {});
  // After the listeners: adding a 'message' listener refs the worker again, and it must not keep the process alive.
  worker.unref();
  return {
    close: () => {
      if (Atomics.compareExchange(state, 0, State.idle, State.closed) !== State.idle) {
        Atomics.compareExchange(state, 0, State.running, State.closing);
        worker.postMessage('close');
        const deadline = performance.now() + o.closeTimeoutMs;
        for (let left = o.closeTimeoutMs; Atomics.load(state, 0) !== State.closed && left > 0; left = deadline - performance.now())
          Atomics.wait(state, 0, State.closing, left);
      }
      void worker.terminate();
    },
  };
};
