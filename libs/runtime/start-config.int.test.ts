import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../../test/support/run-main';
import { ExitCode } from './start-errors';

const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;
/** A child process starts tsx and the server: seconds on a loaded machine. */
const childTimeoutMs = 40_000;

describe('configuration at start (child process)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'punctual-config-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it(
    'refuses a plan catalogue file that does not exist, exit code 2, in one line',
    async () => {
      const missing = join(scratch, 'plans.json');
      const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: join(scratch, 'd1'), PUNCTUAL_PLANS_FILE: missing });
      expect(code).toBe(ExitCode.config);
      expect(stderr).toMatch(/^punctual: configuration error: PUNCTUAL_PLANS_FILE .*plans\.json: ENOENT/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
    childTimeoutMs,
  );

  it(
    'refuses a plan catalogue that is not valid, exit code 2',
    async () => {
      const bad = join(scratch, 'bad-plans.json');
      writeFileSync(bad, '{"Team": {}}');
      const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: join(scratch, 'd2'), PUNCTUAL_PLANS_FILE: bad });
      expect(code).toBe(ExitCode.config);
      expect(stderr).toMatch(/configuration error: PUNCTUAL_PLANS_FILE .*bad-plans\.json: Team/);
    },
    childTimeoutMs,
  );

  it(
    'refuses a host name that does not resolve, exit code 2, without a stack trace',
    async () => {
      const { code, stderr } = await runMain({ PUNCTUAL_DATA_DIR: join(scratch, 'd3'), PUNCTUAL_HOST: 'no-such-host.invalid' });
      expect(code).toBe(ExitCode.config);
      expect(stderr).toMatch(/configuration error: PUNCTUAL_HOST "no-such-host\.invalid" does not resolve to an address \(ENOTFOUND\)/);
      expect(stderr).not.toMatch(stackTrace);
    },
    childTimeoutMs,
  );

  it(
    'warns of an unknown PUNCTUAL_ variable, naming the closest setting, and of SSRF when serving others',
    async () => {
      const run = await runMain(
        { PUNCTUAL_DATA_DIR: join(scratch, 'd4'), PUNCTUAL_DATADIR: '/tmp/x', PUNCTUAL_HOST: '0.0.0.0', PUNCTUAL_E2E_PATIENCE: '3' },
        { stopWhenListening: true },
      );
      expect(run.stdout).toMatch(/listening on http/);
      const warnings = run.stderr.split('\n').filter((l) => l.startsWith('punctual: warning:'));
      expect(warnings).toEqual([
        'punctual: warning: PUNCTUAL_DATADIR is not a setting and is ignored; did you mean PUNCTUAL_DATA_DIR?',
        expect.stringMatching(/^punctual: warning: PUNCTUAL_HOST=0\.0\.0\.0 .*PUNCTUAL_ALLOW_PRIVATE_TARGETS is true.*SSRF/),
      ]);
    },
    childTimeoutMs,
  );

  it(
    'says nothing when the settings are known and the server only listens on loopback',
    async () => {
      const run = await runMain({ PUNCTUAL_DATA_DIR: join(scratch, 'd5'), PUNCTUAL_MAX_IN_FLIGHT: '64' }, { stopWhenListening: true });
      expect(run.stdout).toMatch(/listening on http/);
      expect(run.stderr).not.toMatch(/warning/);
    },
    childTimeoutMs,
  );
});
