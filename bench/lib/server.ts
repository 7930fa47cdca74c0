import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atExit, defer } from './cleanup';
import { repoRoot } from './machine';
import { sleep } from './stats';

/** How to start a punctual server for a workload. */
export interface ServerOptions {
  /** Reuse this data directory (a restart); otherwise a fresh temp dir is made and removed at stop. */
  dataDir?: string;
  /** Reuse this admin token (a restart). */
  adminToken?: string;
  /** Extra environment, e.g. PUNCTUAL_SQLITE_SYNCHRONOUS. */
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the server into this directory at exit. */
  cpuProfDir?: string;
  /** Where fresh temp data dirs go. @default os.tmpdir() */
  dataRoot?: string;
  /** @default 30_000 */
  readyTimeoutMs?: number;
}

/** A running server child process. */
export interface BenchServer {
  url: string;
  pid: number;
  dataDir: string;
  adminToken: string;
  /** ms from spawn() to the "listening" line on stdout. */
  listeningMs: number;
  /** ms from spawn() to the first `GET /v1/health` answering 200. */
  readyMs: number;
  /** Wall-clock time of spawn(). */
  spawnedAt: number;
  /** Last lines of the server's stderr and stdout, for error reports. */
  tail(): string;
  /** SIGTERM (graceful: drains, writes the CPU profile), SIGKILL after `graceMs`; removes a temp data dir unless `keepData`. */
  stop(opts?: { graceMs?: number; keepData?: boolean }): Promise<void>;
}

const listening = /punctual is listening on (http:\/\/[^\s]+)/;

/** Size of all files in a directory (the SQLite db, -wal and -shm), in MB. */
export const dirSizeMB = (dir: string): number => {
  let bytes = 0;
  for (const f of readdirSync(dir)) bytes += statSync(join(dir, f)).size;
  return Math.round((bytes / 2 ** 20) * 10) / 10;
};

/**
 * Spawns `node --import tsx libs/runtime/main.ts` with PORT=0 and reads the URL from its banner.
 * node with the tsx loader (rather than the tsx CLI, which forks a second node) keeps the server
 * in the one process whose pid we sample and profile.
 */
export const startServer = async (options: ServerOptions = {}): Promise<BenchServer> => {
  const fresh = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(options.dataRoot ?? tmpdir(), 'punctual-bench-'));
  const adminToken = options.adminToken ?? randomBytes(16).toString('hex');
  const args = ['--import', 'tsx'];
  if (options.cpuProfDir) args.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir);
  args.push('libs/runtime/main.ts');
  const spawnedAt = Date.now();
  const t0 = performance.now();
  // PUNCTUAL_BENCH_SERVER_CPUS (e.g. `0`): the server runs on those CPUs only (taskset execs node: same pid), so with the
  // bench pinned elsewhere (`taskset -c 1 npm run bench …`) the two never share a core.
  const cpus = process.env.PUNCTUAL_BENCH_SERVER_CPUS;
  const [command, commandArgs] = cpus ? ['taskset', ['-c', cpus, process.execPath, ...args]] : [process.execPath, args];
  const child: ChildProcess = spawn(command, commandArgs, {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      PUNCTUAL_HOST: '127.0.0.1',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const removeKill = atExit(() => child.kill('SIGKILL'));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped: Promise<void> | undefined;
  const stopNow = (graceMs = 20_000, keepData = false): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
      removeKill();
      if (fresh && !keepData) rmSync(dataDir, { recursive: true, force: true });
    })());
  const undo = defer(`server ${child.pid}`, () => stopNow());
  const tail = () => lines.join('\n');

  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`server did not print its URL within ${options.readyTimeoutMs ?? 30_000} ms`)),
        options.readyTimeoutMs ?? 30_000,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const m = listening.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        } else if (out.length > 100_000) out = out.slice(-10_000);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before listening`));
      });
    });
    child.stdout!.removeAllListeners('data');
    child.stdout!.on('data', keep); // keep draining: a full pipe would block the server
    const listeningMs = performance.now() - t0;
    let readyMs = NaN;
    for (const deadline = performance.now() + 10_000; performance.now() < deadline; await sleep(5)) {
      const ok = await fetch(`${url}/v1/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        readyMs = performance.now() - t0;
        break;
      }
    }
    if (Number.isNaN(readyMs)) throw new Error('server never answered /v1/health with 200');
    return {
      url,
      pid: child.pid!,
      dataDir,
      adminToken,
      listeningMs: Math.round(listeningMs),
      readyMs: Math.round(readyMs),
      spawnedAt,
      tail,
      stop: async (opts = {}) => {
        await stopNow(opts.graceMs, opts.keepData);
        await undo();
      },
    };
  } catch (err) {
    await undo();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${tail()}`);
  }
};
