/** `npm start` (libs/runtime/main.ts) as a child process, for start-up tests. Tests only. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** What a run printed, and how it ended (a signal when the test stopped it). */
export interface MainRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main.ts` with `env` (over a free port, a fresh admin token and the test's environment) until it exits by itself,
 * or, with `stopWhenListening`, until it prints its URL (then it is stopped with SIGTERM). Rejects after `timeoutMs`.
 */
export const runMain = (env: Record<string, string>, { stopWhenListening = false, timeoutMs = 30_000 } = {}): Promise<MainRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'libs', 'runtime', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', PUNCTUAL_LOG_LEVEL: 'warn', PUNCTUAL_ADMIN_TOKEN: randomBytes(24).toString('base64url'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stopWhenListening && /listening on http/.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not exit:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
