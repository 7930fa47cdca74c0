import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkStageEnv, describeStageProblems, stageFromEnv, type StageCheck } from './support/stage-env';
import { describeStage, jestArgs, summariseSkips } from './stage';

/** An unsigned JWT with these claims: the runner reads claims, the stage checks signatures. */
const jwt = (claims: Record<string, unknown>) =>
  `${['{"alg":"RS256","kid":"k"}', JSON.stringify(claims)].map((s) => Buffer.from(s).toString('base64url')).join('.')}.c2ln`;
const now = Date.parse('2026-11-24T00:00:00Z');
const idToken = jwt({ sub: 'op', token_use: 'id', exp: now / 1000 + 3600 });
const valid = {
  PUNCTUAL_E2E_BASE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/dev/',
  PUNCTUAL_E2E_ID_TOKEN: idToken,
  PUNCTUAL_E2E_RECEIVER_URL: 'https://e2e-receiver.example.com/',
};
const problems = (c: StageCheck) => (c.ok ? [] : c.problems);

describe('e2e:stage environment check', () => {
  it('names every missing variable at once', () => {
    const c = checkStageEnv({}, now);
    expect(c).toEqual({
      ok: false,
      missing: ['PUNCTUAL_E2E_BASE_URL', 'PUNCTUAL_E2E_ID_TOKEN', 'PUNCTUAL_E2E_RECEIVER_URL'],
      problems: [],
    });
    const report = describeStageProblems(c as Extract<StageCheck, { ok: false }>);
    expect(report).toMatch(/^missing: PUNCTUAL_E2E_BASE_URL, PUNCTUAL_E2E_ID_TOKEN, PUNCTUAL_E2E_RECEIVER_URL/);
    expect(report).toContain('PUNCTUAL_E2E_ADMIN_TOKEN');
    expect(report).toContain('tunnel');
    expect(
      checkStageEnv(
        { PUNCTUAL_E2E_BASE_URL: '  ', PUNCTUAL_E2E_ID_TOKEN: '', PUNCTUAL_E2E_RECEIVER_URL: valid.PUNCTUAL_E2E_RECEIVER_URL },
        now,
      ),
    ).toMatchObject({
      ok: false,
      missing: ['PUNCTUAL_E2E_BASE_URL', 'PUNCTUAL_E2E_ID_TOKEN'],
    });
  });

  it('accepts a Cognito ID token and trims trailing slashes', () => {
    expect(checkStageEnv(valid, now)).toEqual({
      ok: true,
      stage: {
        baseUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/dev',
        operatorToken: idToken,
        operatorTokenFrom: 'PUNCTUAL_E2E_ID_TOKEN',
        operatorTokenExpiresAt: now + 3_600_000,
        receiverUrl: 'https://e2e-receiver.example.com',
        receiverPort: 8787,
      },
    });
  });

  it('accepts an admin token instead, and prefers the ID token when both are set', () => {
    const { PUNCTUAL_E2E_ID_TOKEN: _, ...rest } = valid;
    const admin = checkStageEnv({ ...rest, PUNCTUAL_E2E_ADMIN_TOKEN: 's3cret' }, now);
    expect(admin).toMatchObject({ ok: true, stage: { operatorToken: 's3cret', operatorTokenFrom: 'PUNCTUAL_E2E_ADMIN_TOKEN' } });
    expect(admin.ok && admin.stage.operatorTokenExpiresAt).toBeUndefined();
    expect(checkStageEnv({ ...valid, PUNCTUAL_E2E_ADMIN_TOKEN: 's3cret' }, now)).toMatchObject({
      ok: true,
      stage: { operatorTokenFrom: 'PUNCTUAL_E2E_ID_TOKEN' },
    });
  });

  it('refuses an ID token that is not one, is an access token, has expired or expires within minutes', () => {
    const token = (t: string) => problems(checkStageEnv({ ...valid, PUNCTUAL_E2E_ID_TOKEN: t }, now));
    expect(token('not-a-jwt')).toEqual([expect.stringContaining('is not a JWT')]);
    expect(token('a.%%%.c')).toEqual([expect.stringContaining('is not a JWT')]);
    expect(token(jwt({ token_use: 'access', exp: now / 1000 + 3600 }))).toEqual([expect.stringContaining('Cognito access token')]);
    expect(token(jwt({ token_use: 'id', exp: now / 1000 - 1 }))).toEqual([
      'PUNCTUAL_E2E_ID_TOKEN expired at 2026-11-23T23:59:59.000Z; sign in again',
    ]);
    expect(token(jwt({ token_use: 'id', exp: now / 1000 + 120 }))).toEqual([expect.stringContaining('before a run would finish')]);
  });

  it('refuses a receiver URL the stage cannot reach or that is not a plain base URL', () => {
    const receiver = (u: string) => problems(checkStageEnv({ ...valid, PUNCTUAL_E2E_RECEIVER_URL: u }, now));
    for (const u of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://10.1.2.3', 'http://[::1]:8787', 'http://192.168.0.5']) {
      expect({ u, problems: receiver(u) }).toEqual({ u, problems: [expect.stringContaining('must be public')] });
    }
    expect(receiver('e2e-receiver.example.com')).toEqual([expect.stringContaining('is not an http(s) URL')]);
    expect(receiver('https://e2e-receiver.example.com/?x=1')).toEqual([expect.stringContaining('no query')]);
    expect(receiver('https://e2e-receiver.example.com/hooks')).toEqual([]);
  });

  it('refuses a bad base URL or receiver port, and takes a good port', () => {
    expect(problems(checkStageEnv({ ...valid, PUNCTUAL_E2E_BASE_URL: 'abc123.execute-api' }, now))).toEqual([
      expect.stringContaining('PUNCTUAL_E2E_BASE_URL is not an http(s) URL'),
    ]);
    for (const port of ['0', '65536', 'eighty', '80.5']) {
      expect(problems(checkStageEnv({ ...valid, PUNCTUAL_E2E_RECEIVER_PORT: port }, now))).toEqual([
        expect.stringContaining('PUNCTUAL_E2E_RECEIVER_PORT'),
      ]);
    }
    expect(checkStageEnv({ ...valid, PUNCTUAL_E2E_RECEIVER_PORT: '9000' }, now)).toMatchObject({ ok: true, stage: { receiverPort: 9000 } });
  });

  it('is a local run without PUNCTUAL_E2E_BASE_URL, and refuses half a stage configuration', () => {
    expect(stageFromEnv({ PUNCTUAL_E2E_ADMIN_TOKEN: 'x' })).toBeUndefined();
    expect(() => stageFromEnv({ PUNCTUAL_E2E_BASE_URL: valid.PUNCTUAL_E2E_BASE_URL, PUNCTUAL_E2E_ADMIN_TOKEN: 'x' })).toThrow(
      /not usable:\nmissing: PUNCTUAL_E2E_RECEIVER_URL/,
    );
  });
});

describe('e2e:stage runner', () => {
  it('runs the e2e project serially with cloud timeouts, passing extra arguments on', () => {
    expect(jestArgs(['-t', 'delivery'])).toEqual(['--selectProjects', 'e2e', '--runInBand', '--testTimeout=180000', '-t', 'delivery']);
  });

  it('says where it runs without printing the credential', () => {
    const c = checkStageEnv(valid, now);
    const text = describeStage((c as Extract<StageCheck, { ok: true }>).stage);
    expect(text).toContain('https://abc123.execute-api.us-east-1.amazonaws.com/dev');
    expect(text).toContain('PUNCTUAL_E2E_ID_TOKEN (expires 2026-11-24T01:00:00.000Z)');
    expect(text).toContain('https://e2e-receiver.example.com -> http://127.0.0.1:8787');
    expect(text).not.toContain(idToken);
  });

  it('prints each skip reason once with its count', () => {
    expect(summariseSkips('needs X\nneeds Y\nneeds X\n')).toEqual([
      'skipped against a deployed stage (2): needs X',
      'skipped against a deployed stage (1): needs Y',
    ]);
    expect(summariseSkips('')).toEqual([]);
  });

  it('exits 2 listing the missing variables, before running anything', async () => {
    const root = join(__dirname, '..');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'e2e', 'stage.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH },
    });
    const failed = await run.then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect(failed!.stderr).toContain('missing: PUNCTUAL_E2E_BASE_URL, PUNCTUAL_E2E_ID_TOKEN, PUNCTUAL_E2E_RECEIVER_URL');
  }, 30_000);
});
