import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs the files of examples/ as a reader would (`npx tsx examples/<file>`), from the repository root. */

const root = join(__dirname, '..', '..');

const spawnExample = (file: string, args: string[], env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', join('examples', file), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Runs an example to its end; rejects with its stderr when it exits non-zero. Resolves with its stdout lines. */
export const runExample = (file: string, args: string[], env: Record<string, string>): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const child = spawnExample(file, args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(stdout.split('\n').filter(Boolean)) : reject(new Error(`examples/${file} exited ${code}:\n${stderr}`)),
    );
  });

/** A long-running example (a server): its stdout lines so far, and a way to wait for more. */
export interface RunningExample {
  lines: string[];
  /** Resolves with the first line matching `pattern`, or rejects after `timeoutMs` or if the example exits. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM to this example's process, then resolves once it has exited. */
  stop(): Promise<void>;
}

export const startExample = (file: string, env: Record<string, string>): RunningExample => {
  const child = spawnExample(file, [], env);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exited = false;
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (c) => {
    partial += c;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter(Boolean));
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (c) => (stderr += c));
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      exited = true;
      for (const l of listeners) l();
      resolve();
    }),
  );
  return {
    lines,
    waitForLine: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`examples/${file}: no line matching ${pattern} within ${timeoutMs} ms\n${stderr}`)),
          timeoutMs,
        );
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line !== undefined) done(undefined, line);
          else if (exited) done(new Error(`examples/${file} exited before printing ${pattern}:\n${stderr}`));
        };
        const done = (err?: Error, line?: string) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve(line!);
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await closed;
    },
  };
};
