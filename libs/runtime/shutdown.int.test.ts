import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runShutdown } from '../../chaos/shutdown';
import { ExitCode } from './start-errors';

const root = join(__dirname, '..', '..');

/** Runs `main.ts` until it exits by itself; resolves with its exit code and everything it printed. */
const runMain = (env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'libs', 'runtime', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', PUNCTUAL_LOG_LEVEL: 'info', PUNCTUAL_ADMIN_TOKEN: randomBytes(24).toString('base64url'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not exit:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

const stackTrace = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

describe('stopping and starting (child process)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'punctual-stop-'));
  });
  afterAll(() => {
    chmodSync(scratch, 0o755);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('loses nothing on SIGTERM mid-burst and redelivers nothing that was answered 2xx before the stop', async () => {
    const dataDir = join(scratch, 'sigterm');
    const report = await runShutdown({ messages: 2_000, dataDir, adminToken: randomBytes(24).toString('base64url'), stopAt: 0.3 });
    expect(report.exitCode).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.answeredBeforeStop).toBeGreaterThan(0);
    expect(report.answeredNotRecorded).toBe(0);
    expect(report.redeliveredAfterAck).toBe(0);
    expect(report.stderr).toContain('SIGTERM received');
    expect(report.stderr).not.toMatch(stackTrace);
  }, 90_000);

  it('explains a data directory under a regular file (ENOTDIR) in one line, exit code 3', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a directory');
    const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: join(file, 'sub') });
    expect(code).toBe(ExitCode.environment);
    expect(stderr).toMatch(
      /could not start: the data directory .*a-file\/sub cannot be created: .* is a file, not a directory; set PUNCTUAL_DATA_DIR/,
    );
    expect(stderr).not.toMatch(stackTrace);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('explains a data directory that is itself a file, exit code 3', async () => {
    const file = join(scratch, 'another-file');
    writeFileSync(file, 'x');
    const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: file });
    expect(code).toBe(ExitCode.environment);
    expect(stderr).toMatch(/is a file, not a directory/);
    expect(stderr).not.toMatch(stackTrace);
  });

  it('explains a data directory holding something that is not a database, exit code 3', async () => {
    const dir = join(scratch, 'garbage');
    mkdirSync(dir);
    writeFileSync(join(dir, 'punctual.db'), 'this is not an SQLite database, just text that is long enough to have a header');
    const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: dir });
    expect(code).toBe(ExitCode.environment);
    expect(stderr).toMatch(/is not a punctual database or is damaged/);
    expect(stderr).not.toMatch(stackTrace);
  });

  // chmod does not stop root; the ENOTDIR case above covers an unwritable path there.
  const asRoot = process.getuid?.() === 0;
  (asRoot ? it.skip : it)('explains a read-only data directory, exit code 3', async () => {
    const dir = join(scratch, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: dir });
    expect(code).toBe(ExitCode.environment);
    expect(stderr).toMatch(/cannot write to the data directory .*read-only/);
    expect(stderr).not.toMatch(stackTrace);
  });

  it('explains a bad setting, exit code 2', async () => {
    const { code, stderr } = await runMain({ PORT: 'eighty' });
    expect(code).toBe(ExitCode.config);
    expect(stderr).toMatch(/configuration error: PORT must be an integer/);
    expect(stderr).not.toMatch(stackTrace);
  });
});
