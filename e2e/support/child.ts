import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The embedded server running as a child process (for crash and signal tests). */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
}

const root = join(__dirname, '..', '..');

/** Starts `libs/runtime/main.ts` with `env` and resolves once it prints its URL. */
export const startChild = (env: Record<string, string>, timeoutMs = 30_000): Promise<ChildServer> =>
  new Promise((resolve, reject) => {
    // tsx as a loader inside one node process (its CLI would add a wrapper process that a SIGKILL misses).
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'libs', 'runtime', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', PUNCTUAL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | NodeJS.Signals>((r) => child.once('exit', (code, signal) => r(signal ?? code ?? 0)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], process: child, output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it listened:\n${out}`));
    });
  });
