import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atExit, defer } from './cleanup';

/** A redis-server child on 127.0.0.1 without persistence. */
export interface RedisServer {
  port: number;
  pid: number;
  /** SIGTERM by pid (SIGKILL after 5 s); removes its temp dir. */
  stop(): Promise<void>;
}

/** How to get redis-server when it is missing, printed instead of the peer's figures. */
export const redisInstallHint =
  'redis-server not found: install it (Debian/Ubuntu: `sudo apt-get install redis-server`) to compare with BullMQ';

/** Whether `redis-server` is on the PATH. */
export const hasRedis = (): boolean => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * Starts `redis-server` on a random port of 127.0.0.1, with no RDB snapshots and no AOF (the peer runs as its
 * users run it for speed; punctual keeps its durability), and waits until it accepts connections.
 */
export const startRedis = async (): Promise<RedisServer> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'punctual-bench-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const removeKill = atExit(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: Promise<void> | undefined;
  const stopNow = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      removeKill();
      rmSync(dir, { recursive: true, force: true });
    })());
  const undo = defer(`redis ${child.pid}`, stopNow);
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server not ready within 10 s:\n${out.slice(-2_000)}`)), 10_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code ?? signal}):\n${out.slice(-2_000)}`));
      });
    });
    child.stdout!.removeAllListeners('data');
    child.stdout!.resume(); // keep draining
    child.stderr!.resume();
  } catch (err) {
    await undo();
    throw err;
  }
  return { port, pid: child.pid!, stop: undo };
};
