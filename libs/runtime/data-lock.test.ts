import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir, lockFile } from './data-lock';

/** The pid of a process that has exited (and been reaped): nothing runs under it now. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'punctual-lock-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const lockPath = () => join(dir, lockFile);

  it('writes our pid to a 0600 lock file, refuses a second holder naming our pid, and removes the file on release', () => {
    const lock = lockDataDir(dir);
    expect(readFileSync(lockPath(), 'utf8')).toBe(`${process.pid}\n`);
    expect(statSync(lockPath()).mode & 0o777).toBe(0o600);
    expect(() => lockDataDir(dir)).toThrow(new DataDirLockedError(dir, process.pid));
    lock.release();
    lock.release(); // idempotent
    expect(existsSync(lockPath())).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over the lock of a process that is gone', () => {
    writeFileSync(lockPath(), `${deadPid()}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(lockPath(), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('takes over an unreadable lock once a short wait shows nobody is writing it', () => {
    writeFileSync(lockPath(), '');
    lockDataDir(dir).release();
    writeFileSync(lockPath(), 'not a pid');
    lockDataDir(dir).release();
  });

  it('never removes a lock another process took over', () => {
    const lock = lockDataDir(dir);
    writeFileSync(lockPath(), '999999999\n'); // someone else's now
    lock.release();
    expect(readFileSync(lockPath(), 'utf8')).toBe('999999999\n');
  });
});
