/** `npm start` and the operator CLI as child processes, for start-up and data-directory tests. Tests only. */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** What a process that ran to its end printed, and how it ended. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `libs/runtime/main.ts` with `env` (over the test's environment, with PORT 0 and no inherited admin token) until it
 * exits by itself; rejects if it is still running after `timeoutMs` (it is killed then).
 */
export const runMainToExit = (env: Record<string, string>, timeoutMs = 30_000): Promise<Finished> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'libs', 'runtime', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', PUNCTUAL_ADMIN_TOKEN: '', PUNCTUAL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

/** Runs the operator CLI (`bin/punctual.js`) on `dataDir`; resolves however it exits. */
export const runCli = (args: string[], dataDir: string, env: Record<string, string> = {}): Promise<Finished> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'bin', 'punctual.js'), ...args, '--data-dir', dataDir],
      { env: { ...process.env, PUNCTUAL_ADMIN_TOKEN: '', ...env }, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
