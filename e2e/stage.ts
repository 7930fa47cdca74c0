/**
 * `npm run e2e:stage [-- jest args]`: the e2e suite as a canary against a deployed stage. Checks the
 * variables first (e2e/support/stage-env.ts) and exits 2 naming every missing or unusable one, so a
 * misconfigured run never half-runs against the wrong thing. Then runs the e2e project one file at a
 * time (the receiver holds one fixed port behind the tunnel) with timeouts fit for the cloud, and
 * prints each reason for skipped local-only tests once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStageEnv, describeStageProblems, type StageEnv } from './support/stage-env';

/** Per test and per hook: deliveries through SQS or EventBridge Scheduler and a tunnel take seconds, not milliseconds. */
const testTimeoutMs = 180_000;

/** The jest command line: the e2e project, serially, cloud timeouts, then whatever the caller added. */
export const jestArgs = (extra: string[]): string[] => [
  '--selectProjects',
  'e2e',
  '--runInBand',
  `--testTimeout=${testTimeoutMs}`,
  ...extra,
];

/** What the run is about to do, without the credential itself. */
export const describeStage = (stage: StageEnv): string =>
  [
    `e2e against ${stage.baseUrl}`,
    `  operator: ${stage.operatorTokenFrom}` +
      `${stage.operatorTokenExpiresAt ? ` (expires ${new Date(stage.operatorTokenExpiresAt).toISOString()})` : ''}`,
    `  receiver: ${stage.receiverUrl} -> http://127.0.0.1:${stage.receiverPort}`,
  ].join('\n');

/** Each skip reason once, with how many tests or suites it covered. */
export const summariseSkips = (log: string): string[] => {
  const counts = new Map<string, number>();
  for (const line of log.split('\n').filter(Boolean)) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `skipped against a deployed stage (${n}): ${reason}`);
};

const main = (): number => {
  const check = checkStageEnv(process.env);
  if (!check.ok) {
    console.error(`npm run e2e:stage: the stage is not configured\n${describeStageProblems(check)}`);
    return 2;
  }
  console.log(describeStage(check.stage));
  const dir = mkdtempSync(join(tmpdir(), 'punctual-e2e-stage-'));
  const skipLog = join(dir, 'skipped');
  try {
    const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...jestArgs(process.argv.slice(2))], {
      cwd: join(__dirname, '..'),
      stdio: 'inherit',
      env: { ...process.env, PUNCTUAL_E2E_SKIP_LOG: skipLog },
    });
    let skipped = '';
    try {
      skipped = readFileSync(skipLog, 'utf8');
    } catch {
      // Nothing was skipped.
    }
    for (const line of summariseSkips(skipped)) console.log(line);
    return jest.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) process.exitCode = main();
