import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { MetricsSources } from './prometheus';

/** Options of the SQLite gauges. */
export interface SqliteGaugeOptions {
  /** How long a pending count is reused, however often Prometheus scrapes. @default 5_000 */
  pendingTtlMs: number;
  /** How long a scrape waits for a count before it reports the previous one. @default 5_000 */
  countTimeoutMs: number;
}

export const sqliteGaugeDefaults: SqliteGaugeOptions = { pendingTtlMs: 5_000, countTimeoutMs: 5_000 };

/**
 * Counts scheduled messages on its own connection in a worker thread: the count walks the due index, which holds every
 * scheduled message (about 0.2 s for a million on a busy 2-core machine), and must not stall deliveries on the main
 * thread. WAL lets it read while the main connection writes.
 */
const counterSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 1000');
const count = db.prepare("SELECT count(*) FROM messages WHERE status = 'scheduled'").pluck();
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ n: count.get() });
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
});
`;

/** The SQLite gauges and how to stop their worker. */
export interface SqliteSources extends Required<Pick<MetricsSources, 'pending' | 'walBytes'>> {
  /** Stops the counting thread; resolves once its connection is closed (so the data directory may be removed). */
  close(): Promise<void>;
}

/**
 * The gauges read from the embedded runtime's SQLite file: scheduled messages (counted off the main thread, at most once
 * per `pendingTtlMs`; the thread starts at the first scrape) and the size of the write-ahead log.
 */
export const sqliteSources = (filename: string, options: Partial<SqliteGaugeOptions> = {}): SqliteSources => {
  const o = { ...sqliteGaugeDefaults, ...options };
  let worker: Worker | undefined;
  let cached: { n: number; at: number } | undefined;
  let counting: Promise<number> | undefined;
  let closed = false;
  const start = (): Worker => {
    const w = new Worker(counterSource, { eval: true, workerData: { filename, driver: require.resolve('better-sqlite3') } });
    // A failed thread is replaced at the next scrape.
    w.on('error', () => {
      if (worker === w) worker = undefined;
    });
    w.unref();
    return w;
  };
  const count = (): Promise<number> =>
    new Promise((resolve, reject) => {
      worker ??= start();
      const w = worker;
      const timer = setTimeout(() => {
        w.off('message', onMessage);
        reject(new Error('pending count timed out'));
      }, o.countTimeoutMs);
      const onMessage = (m: { n?: number; error?: string }) => {
        clearTimeout(timer);
        if (m.n !== undefined) resolve(m.n);
        else reject(new Error(m.error));
      };
      w.once('message', onMessage);
      w.postMessage('count');
    });
  return {
    pending: async () => {
      const now = performance.now();
      if (closed || (cached && now - cached.at <= o.pendingTtlMs)) return cached?.n ?? 0;
      counting ??= count().finally(() => (counting = undefined));
      try {
        cached = { n: await counting, at: performance.now() };
      } catch {
        // Busy or starting: the last count stands until the next scrape.
      }
      return cached?.n ?? 0;
    },
    walBytes: () => {
      try {
        return statSync(`${filename}-wal`).size;
      } catch {
        return 0; // no WAL file: everything is checkpointed (or the database is closed)
      }
    },
    close: async () => {
      closed = true;
      const w = worker;
      worker = undefined;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      const timer = setTimeout(() => void w.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
