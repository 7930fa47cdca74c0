/**
 * The packaged stack (`sls package --stage ci`, offline) for the tests that read it: the CloudFormation assertions
 * (infra/stack.int.test.ts) and the deploy to moto_server (infra/stack.aws.test.ts). Packaging takes a while and
 * writes `.serverless/` and `.esbuild/` in the repository, so the test files of one jest run share one package:
 * a lock directory serialises them, and a marker names the run that packaged. Tests only.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The repository root. */
export const repoRoot = join(__dirname, '../..');
/** Where osls writes the templates and the function zips. */
export const packageDir = join(repoRoot, '.serverless');
/** The stage the tests package (names in the template: `punctual-ci-…`). */
export const packageStage = 'ci';

const lockDir = join(repoRoot, '.serverless.lock');
/** `sls package` takes about a minute on two idle cores; several on a loaded machine. */
const packageTimeoutMs = 360_000;
const marker = join(packageDir, '.punctual-test-run');

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation is free-form JSON that each assertion navigates its own way
type Json = Record<string, any>;

/** A packaged stack. */
export interface PackagedStack {
  /** `cloudformation-template-update-stack.json`: the whole stack. */
  template: { Resources: Record<string, Json>; Outputs?: Json; Conditions?: Json };
  /** `cloudformation-template-create-stack.json`: the deployment bucket osls creates first. */
  createTemplate: Json;
  /** How long this process waited and packaged, in ms (0 when another test file of the run had packaged). */
  packageMs: number;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Takes the lock directory, waiting for a live holder and taking over from a dead one. */
const lock = async (timeoutMs: number): Promise<() => void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(existsSync(join(lockDir, 'pid')) ? readFileSync(join(lockDir, 'pid'), 'utf8') : Number.NaN);
      if (Number.isInteger(holder) && !alive(holder)) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another process (pid ${holder}) has held ${lockDir} for too long`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
};

/**
 * Packages the stack once per jest run (its workers share the parent's pid) and reads the templates. Run alone, a
 * test file packages for itself. The environment is minimal, so a developer's AWS settings change nothing.
 */
export const packageStack = async (timeoutMs = 600_000): Promise<PackagedStack> => {
  const started = Date.now();
  const run = String(process.ppid);
  const release = await lock(timeoutMs);
  let packaged = false;
  try {
    if (!existsSync(marker) || readFileSync(marker, 'utf8') !== run) {
      rmSync(marker, { force: true });
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        CI: '1',
      };
      // The docs function bundles the console's built assets: build them first, as `npm run package` does.
      await promisify(execFile)(join(repoRoot, 'node_modules/.bin/tsx'), ['console/build.ts', '--if-stale', '--quiet'], { cwd: repoRoot });
      // osls can stay up after a failed build (esbuild's service keeps it alive): stop it rather than wait for the hook's timeout.
      await promisify(execFile)(join(repoRoot, 'node_modules/.bin/sls'), ['package', '--stage', packageStage, '--region', 'us-east-1'], {
        cwd: repoRoot,
        env,
        maxBuffer: 16 * 1024 * 1024,
        timeout: packageTimeoutMs,
        killSignal: 'SIGKILL',
      });
      writeFileSync(marker, run);
      packaged = true;
    }
  } finally {
    release();
  }
  const read = (name: string) => JSON.parse(readFileSync(join(packageDir, name), 'utf8'));
  return {
    template: read('cloudformation-template-update-stack.json'),
    createTemplate: read('cloudformation-template-create-stack.json'),
    packageMs: packaged ? Date.now() - started : 0,
  };
};
