import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCheckpointer } from './checkpointer';

describe('background checkpointer (worker thread)', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'punctual-checkpoint-'));
    file = join(dir, 'test.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Like openDatabase: the main connection leaves checkpoints to the other one.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
  });

  afterEach(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** This process's open files that are the database's (its file, -wal and -shm): one set per open connection. */
  const openFilesOfDb = (): number =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
      } catch {
        return false; // closed meanwhile
      }
    }).length;

  const write = (rows: number) => {
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
    })();
  };

  it('copies the WAL into the database from its own connection and reports each checkpoint', async () => {
    write(2_000);
    const before = statSync(file).size;
    let checkpointed!: () => void;
    const seen = new Promise<void>((resolve) => (checkpointed = resolve));
    const durations: number[] = [];
    const c = startCheckpointer(file, {
      intervalMs: 5,
      onCheckpoint: (ms) => {
        durations.push(ms);
        checkpointed();
      },
    });
    await seen;
    c.close();
    expect(durations[0]).toBeGreaterThanOrEqual(0);
    // The pages written into the WAL are now in the database file itself.
    expect(statSync(file).size).toBeGreaterThan(before + 500_000);
  });

  it('returns from close() with its connection closed', async () => {
    const mainOnly = openFilesOfDb();
    let checkpointed!: () => void;
    const seen = new Promise<void>((resolve) => (checkpointed = resolve));
    // A long interval: the worker sleeps between checkpoints, and close() must wake it and wait for it.
    const c = startCheckpointer(file, { intervalMs: 300, onCheckpoint: () => checkpointed() });
    await seen;
    write(100);
    const both = openFilesOfDb();
    expect(both).toBeGreaterThan(mainOnly);
    c.close();
    // Closed: SQLite may keep one descriptor of a closed connection until the process's other connection to the same
    // file lets go of its locks (closing it would drop them), so fewer than both, then none once the main one closes.
    expect(openFilesOfDb()).toBeLessThan(both);
    db.close();
    expect(openFilesOfDb()).toBe(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('closes at once when the worker has not opened its connection yet, and it never opens it', () => {
    const mainOnly = openFilesOfDb();
    const c = startCheckpointer(file, { intervalMs: 5 });
    c.close();
    expect(openFilesOfDb()).toBe(mainOnly);
    write(100);
    db.close();
    expect(openFilesOfDb()).toBe(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
