import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient, type JsonClient } from '../../chaos/http';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { adminTokenAuth, hashAdminToken } from '../tenancy/operator';
import { loadLocalConfig } from './config';
import { startLocal, type LocalRuntime } from './local';
import { createLogger } from '../observability/logger';
import { eventually } from '../../test/support/eventually';

/** Secrets at rest, in logs and in answers, and credential guessing, on the real server. */
describe('secrets and credentials (real server)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  let adminToken: string;
  const logs: string[] = [];
  /** Every response body except the four that show a secret once, by design. */
  const answers: string[] = [];
  const secrets: Record<string, string> = {};
  /** The data directory's files as they were while the server ran (the WAL holds the recent writes then). */
  let running: { file: string; bytes: Buffer }[] = [];

  /** A client that keeps every body it gets (success and error alike) for the grep. */
  const recording = (auth: Record<string, string>): JsonClient => {
    const c = jsonClient(runtime.url, auth);
    const call: JsonClient['call'] = async (method, path, body) => {
      const r = await c.call(method, path, body);
      answers.push(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await call(method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as never;
    };
    return {
      call,
      get: (p) => ok('GET', p),
      post: (p, b) => ok('POST', p, b ?? {}),
      patch: (p, b) => ok('PATCH', p, b),
      del: async (p) => void (await ok('DELETE', p)),
    };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-secrets-'));
    receiver = await startReceiver();
    receiver.respond('/fails', () => ({ status: 500, body: 'receiver is down' }));
    receiver.respond('/hangs', () => undefined);
    // No PUNCTUAL_ADMIN_TOKEN: the server generates one and keeps only its hash.
    const config = loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_LOG_LEVEL: 'debug' });
    runtime = await startLocal(config, { logger: createLogger('debug', (l) => logs.push(l)) });
    adminToken = runtime.generatedAdminToken!;
    expect(adminToken).toMatch(/^pat_/);
    secrets.adminToken = adminToken;

    // A full flow with successful, failing, timing-out and unreachable deliveries.
    const operator = jsonClient(runtime.url, { authorization: `Bearer ${adminToken}` });
    const tenant = await operator.post('/v1/tenants', { name: 'secretive', plan: 'unlimited' });
    secrets.controlKey = tenant.controlKey.key;
    const control = recording({ 'x-api-key': secrets.controlKey });
    secrets.appHeader = `hdr-${randomBytes(12).toString('hex')}`;
    secrets.messageHeader = `msg-${randomBytes(12).toString('hex')}`;
    const retryPolicy = { maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 };
    const apps: Record<string, string> = {};
    for (const [name, path, timeoutMs] of [
      ['ok', '/ok', 2_000],
      ['fails', '/fails', 2_000],
      ['hangs', '/hangs', 200],
    ] as const) {
      const res = await control.call('POST', '/v1/apps', {
        name,
        target: {
          type: 'http',
          url: `${receiver.url}${path}`,
          headers: { authorization: `Bearer ${secrets.appHeader}`, 'x-app-secret': secrets.appHeader },
          timeoutMs,
        },
        retryPolicy,
      });
      answers.pop(); // the creation answer shows the signing secret, once, by design
      const app = res.body as { id: string; signingSecret: string };
      secrets[`signing-${name}`] = app.signingSecret;
      apps[name] = app.id;
    }
    const unreachable = (
      await control.call('POST', '/v1/apps', {
        name: 'gone',
        target: { type: 'http', url: 'http://127.0.0.1:1/x', headers: { 'x-app-secret': secrets.appHeader } },
        retryPolicy,
      })
    ).body as { id: string; signingSecret: string };
    answers.pop();
    secrets['signing-gone'] = unreachable.signingSecret;
    apps.gone = unreachable.id;
    const rotated = (await control.call('POST', `/v1/apps/${apps.fails}/rotate-secret`)).body as { signingSecret: string };
    answers.pop();
    secrets['signing-rotated'] = rotated.signingSecret;
    const dataKey = (await control.call('POST', '/v1/keys', { scope: 'data', appId: apps.ok, name: 'data' })).body as {
      key: string;
      id: string;
    };
    answers.pop();
    secrets.dataKey = dataKey.key;

    const ids: string[] = [];
    for (const appId of Object.values(apps)) {
      const m = await control.post('/v1/messages', { appId, payload: { n: 1 }, headers: { 'x-message-secret': secrets.messageHeader } });
      ids.push(m.id);
    }
    const data = recording({ 'x-api-key': secrets.dataKey });
    ids.push(
      (await data.post('/v1/messages', { payload: 'via data key', headers: { authorization: `Bearer ${secrets.messageHeader}` } })).id,
    );
    await eventually(
      async () => {
        const all = await Promise.all(ids.map((id) => control.get(`/v1/messages/${id}`)));
        return all.every((m: { status: string }) => m.status === 'delivered' || m.status === 'failed');
      },
      { timeoutMs: 15_000 },
    );
    // Reads, lists and errors of every kind.
    for (const id of ids) await control.get(`/v1/messages/${id}/attempts`);
    await control.get('/v1/messages');
    await control.get('/v1/apps');
    for (const appId of Object.values(apps)) await control.get(`/v1/apps/${appId}`);
    await control.get('/v1/keys');
    await control.call('POST', '/v1/apps', {
      name: 'bad',
      target: { type: 'http', url: 'ftp://x', headers: { 'x-app-secret': secrets.appHeader } },
    });
    await control.call('POST', '/v1/apps', {
      name: 'bad',
      target: { type: 'http', url: `${receiver.url}/x`, headers: { 'x-app-secret': `${secrets.appHeader}\r\n` } },
    });
    await control.call('POST', '/v1/messages', { appId: apps.ok, payload: {}, headers: { 'x-m': `${secrets.messageHeader}\n` } });
    await data.call('GET', '/v1/keys');
    await data.call('GET', `/v1/apps/${apps.ok}`);
    await recording({ 'x-api-key': `${secrets.controlKey}x` }).call('GET', '/v1/apps');
    await recording({ authorization: `Bearer ${adminToken}x` }).call('POST', '/v1/tenants', { name: 'nope' });
    await control.del(`/v1/keys/${dataKey.id}`);
    await data.call('GET', '/v1/messages');
    running = readdirSync(dataDir).map((file) => ({ file, bytes: readFileSync(join(dataDir, file)) }));
    await runtime.close();
  }, 60_000);

  afterAll(async () => {
    await runtime.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('went through deliveries that succeeded, failed, timed out and could not connect, with debug logs', () => {
    const attempts = logs.filter((l) => l.includes('"msg":"delivery attempt"'));
    expect(attempts.some((l) => l.includes('"outcome":"success"'))).toBe(true);
    expect(attempts.some((l) => l.includes('"statusCode":500'))).toBe(true);
    expect(attempts.some((l) => /timeout/.test(l))).toBe(true);
    expect(attempts.some((l) => /ECONNREFUSED/.test(l))).toBe(true);
    expect(answers.some((a) => a.includes('→ 401'))).toBe(true);
    expect(answers.some((a) => a.includes('→ 403'))).toBe(true);
    expect(answers.some((a) => a.includes('→ 400'))).toBe(true);
  });

  it('stores API keys and the admin token only as hashes: their values are nowhere in the data directory', () => {
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['punctual.db', 'admin-token.sha256']));
    const bytes = files.map((f) => readFileSync(join(dataDir, f)));
    for (const name of ['controlKey', 'dataKey', 'adminToken']) {
      const value = secrets[name];
      const body = value.replace(/^(pk|pat)_/, '');
      for (const b of bytes) {
        expect(b.includes(value)).toBe(false);
        expect(b.includes(body)).toBe(false);
        expect(b.includes(Buffer.from(value, 'utf16le'))).toBe(false);
      }
    }
    expect(readFileSync(join(dataDir, 'admin-token.sha256'), 'utf8').trim()).toBe(hashAdminToken(adminToken));
    // The stored form of a key is its SHA-256, which is what authentication looks up.
    const db = readFileSync(join(dataDir, 'punctual.db'));
    const wal = files.includes('punctual.db-wal') ? readFileSync(join(dataDir, 'punctual.db-wal')) : Buffer.alloc(0);
    const keyHash = createHash('sha256').update(secrets.controlKey).digest('hex');
    expect(db.includes(keyHash) || wal.includes(keyHash)).toBe(true);
  });

  it('keeps signing secrets and app header values only sealed in the data directory: database and WAL, while running and after', () => {
    expect(running.map((f) => f.file)).toEqual(expect.arrayContaining(['punctual.db', 'punctual.db-wal', 'secrets.key']));
    expect(running.find((f) => f.file === 'punctual.db-wal')!.bytes.length).toBeGreaterThan(0);
    const stopped = readdirSync(dataDir).map((file) => ({ file, bytes: readFileSync(join(dataDir, file)) }));
    const sealedSecrets = Object.entries(secrets).filter(([name]) => name === 'appHeader' || name.startsWith('signing-'));
    expect(sealedSecrets).toHaveLength(6);
    for (const { file, bytes } of [...running, ...stopped]) {
      for (const [name, value] of sealedSecrets) {
        const forms = [value, value.replace(/^whsec_/, ''), Buffer.from(value, 'utf16le')];
        for (const form of forms) expect({ file, name, found: bytes.includes(form) }).toEqual({ file, name, found: false });
      }
    }
    // They are there, sealed: the apps' rows hold `enc:` values.
    expect(running.some((f) => f.bytes.includes('"signingSecret":"enc:v1:'))).toBe(true);
    expect(statSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
  });

  it('never writes a key, token, signing secret or header value to the logs', () => {
    expect(logs.length).toBeGreaterThan(20);
    const all = logs.join('');
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, found: all.includes(value) }).toEqual({ name, found: false });
    }
  });

  it('never returns them in reads, lists or error messages', () => {
    expect(answers.length).toBeGreaterThan(20);
    for (const answer of answers) {
      for (const [name, value] of Object.entries(secrets)) {
        if (answer.includes(value)) throw new Error(`${name} appears in ${answer.slice(0, 300)}`);
      }
    }
  });

  it('compares admin tokens by hash in constant time, whatever their length', async () => {
    const auth = adminTokenAuth(hashAdminToken(adminToken));
    expect(await auth.identify(adminToken)).toBe('operator');
    for (const guess of ['', 'x', adminToken.slice(0, -1), `${adminToken}x`, 'é'.repeat(10_000)])
      expect(await auth.identify(guess)).toBeUndefined();
  });
});

describe('credential guessing (real server)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  const adminToken = randomBytes(24).toString('base64url');
  let controlKey: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-guess-'));
    runtime = await startLocal(loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken }), {
      logger: createLogger('silent'),
    });
    controlKey = (
      await jsonClient(runtime.url, { authorization: `Bearer ${adminToken}` }).post('/v1/tenants', { name: 'guessed', plan: 'unlimited' })
    ).controlKey.key;
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('slows an address after 20 unknown keys (429 rate_limited with Retry-After) without locking out valid keys', async () => {
    const guess = (i: number) => jsonClient(runtime.url, { 'x-api-key': `pk_guess${i}` }).call('GET', '/v1/apps');
    const first = [];
    for (let i = 0; i < 20; i++) first.push((await guess(i)).status);
    expect(first).toEqual(Array(20).fill(401));
    const blocked = await guess(20);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/invalid credentials/) });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right key from the same address still gets in, and a missing key still gets the plain 401.
    expect((await jsonClient(runtime.url, { 'x-api-key': controlKey }).call('GET', '/v1/apps')).status).toBe(200);
    expect((await jsonClient(runtime.url).call('GET', '/v1/apps')).status).toBe(401);
    // Admin-token guesses from the blocked address are refused too, and so is the real token: it is not even compared.
    const wrongAdmin = await jsonClient(runtime.url, { authorization: 'Bearer not-the-admin-token' }).call('POST', '/v1/tenants', {
      name: 'x',
    });
    expect(wrongAdmin.status).toBe(429);
    const rightAdmin = await jsonClient(runtime.url, { authorization: `Bearer ${adminToken}` }).call('POST', '/v1/tenants', { name: 'x' });
    expect(rightAdmin.status).toBe(429);
    expect(rightAdmin.body).toMatchObject({ error: 'rate_limited' });
    expect(Number(rightAdmin.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
