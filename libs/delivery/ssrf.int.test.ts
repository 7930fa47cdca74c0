import { randomBytes } from 'node:crypto';
import dns, { type LookupAddress } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient, newTenantClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { loadLocalConfig } from '../runtime/config';
import { startLocal, type LocalRuntime } from '../runtime/local';
import { createLogger } from '../observability/logger';

/**
 * The SSRF guard over the real API, with PUNCTUAL_ALLOW_PRIVATE_TARGETS=false. Names resolve
 * through a stubbed system resolver, so nothing is looked up for real and nothing leaves this
 * machine: every address the stub hands out is refused before a connection is made, except
 * 127.0.0.1 in the control run that allows private targets.
 */
describe('SSRF guard over HTTP (PUNCTUAL_ALLOW_PRIVATE_TARGETS=false)', () => {
  const adminToken = randomBytes(24).toString('base64url');
  let dataDir: string;
  let receiver: Receiver;
  let runtime: LocalRuntime | undefined;
  /** What the stubbed resolver answers, per host name. */
  const answers = new Map<string, LookupAddress[]>();
  const lookedUp: string[] = [];

  const start = async (allowPrivate: boolean) => {
    await runtime?.close();
    const config = loadLocalConfig({
      PORT: '0',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_ALLOW_PRIVATE_TARGETS: String(allowPrivate),
      // The receiver listens on a random port: allow any, so that the address is what the guard refuses (ports: below).
      PUNCTUAL_EGRESS_PORTS: '*',
    });
    runtime = await startLocal(config, { logger: createLogger('silent') });
    return runtime;
  };
  let lastKey = '';
  const tenant = async (rt: LocalRuntime): Promise<JsonClient> => {
    const t = await newTenantClient(rt.url, adminToken, 'ssrf');
    lastKey = t.key;
    return t.client;
  };
  const settle = async (c: JsonClient, id: string) => {
    let seen: string | undefined;
    return eventually(
      async () => {
        const m = await c.get(`/v1/messages/${id}`);
        seen = m.status;
        return m.status === 'delivered' || m.status === 'failed' ? m : undefined;
      },
      { timeoutMs: 10_000, failure: () => `message ${id} still ${seen}` },
    );
  };
  const retryOnce = { maxAttempts: 1, baseDelayMs: 1_000, maxDelayMs: 1_000 };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-ssrf-'));
    receiver = await startReceiver();
    // The guard resolves names with the system resolver (dns.promises.lookup); stub it.
    jest.spyOn(dns.promises, 'lookup').mockImplementation((async (hostname: string) => {
      lookedUp.push(hostname);
      const found = answers.get(hostname);
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return found;
    }) as unknown as typeof dns.promises.lookup);
  });
  afterAll(async () => {
    await runtime?.close();
    await receiver.close();
    jest.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const refusedAtCreation = [
    'http://127.0.0.1/x',
    'http://127.255.255.254:8080/x',
    'http://[::1]/x',
    'http://10.0.0.1/x',
    'http://172.16.0.1/x',
    'http://172.31.255.255/x',
    'http://192.168.1.1/x',
    'http://169.254.0.1/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fc00::1]/x',
    'http://[fd12:3456::1]/x',
    'http://[fe80::1]/x',
    'http://0.0.0.0/x',
    'http://0/x',
    'http://[::]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://[::ffff:169.254.169.254]/x',
    'http://[::ffff:a9fe:a9fe]/x',
    'http://[64:ff9b::7f00:1]/x',
    'http://2130706433/x', // decimal 127.0.0.1
    'http://0177.0.0.1/x', // octal
    'http://0x7f.0.0.1/x', // hex
    'http://0x7f000001/x',
    'http://127.1/x',
    'http://017700000001/x',
    'http://2852039166/latest/meta-data/', // decimal 169.254.169.254
    'http://0xa9.0xfe.0xa9.0xfe/x',
    'http://localhost/x',
    'http://api.localhost./x',
    'https://LOCALHOST:443/x',
  ];

  it(`refuses ${refusedAtCreation.length} private, loopback, link-local and metadata targets at creation with 400`, async () => {
    const rt = await start(false);
    const c = await tenant(rt);
    const ok = await c.post('/v1/apps', { name: 'public', target: { type: 'http', url: 'https://hooks.example.com/x' } });
    for (const url of refusedAtCreation) {
      const res = await c.call('POST', '/v1/apps', { name: 'evil', target: { type: 'http', url } });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body).toMatchObject({ error: 'invalid_request', details: [expect.objectContaining({ path: 'target.url' })] });
      const patched = await c.call('PATCH', `/v1/apps/${ok.id}`, { target: { type: 'http', url } });
      expect({ url, status: patched.status }).toEqual({ url, status: 400 });
    }
    // Creation resolves no names (their answers can change): they are checked when connecting.
    expect(lookedUp).toEqual([]);
  });

  it('refuses at connect time a name that was fine at creation and now resolves to a private address (DNS rebinding)', async () => {
    const rt = await start(false);
    const c = await tenant(rt);
    const port = new URL(receiver.url).port;
    const cases: [string, LookupAddress[]][] = [
      ['rebind.test', [{ address: '127.0.0.1', family: 4 }]],
      ['metadata.test', [{ address: '169.254.169.254', family: 4 }]],
      ['mapped.test', [{ address: '::ffff:10.0.0.1', family: 6 }]],
      [
        'mixed.test',
        [
          { address: '93.184.216.34', family: 4 },
          { address: '192.168.0.10', family: 4 },
        ],
      ],
      ['ula.test', [{ address: 'fd00::1', family: 6 }]],
    ];
    for (const [host, addresses] of cases) {
      const app = await c.post('/v1/apps', {
        name: host,
        target: { type: 'http', url: `http://${host}:${port}/rebound` },
        retryPolicy: retryOnce,
      });
      answers.set(host, addresses); // the name turns private after the app was accepted
      const m = await c.post('/v1/messages', { appId: app.id, payload: { host } });
      const done = await settle(c, m.id);
      expect(done).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/cannot be reached: it does not resolve to a public address/),
      });
      const [attempt] = (await c.get(`/v1/messages/${m.id}/attempts`)).items;
      expect(attempt).toMatchObject({ outcome: 'exhausted' }); // retried like a name that does not resolve, within its one attempt
      expect(attempt.error).not.toMatch(/127\.0\.0\.1|169\.254|192\.168|fd00/); // the resolved address is not revealed
      expect(lookedUp).toContain(host);
    }
    expect(receiver.on('/rebound')).toHaveLength(0);
  });

  it('refuses at connect time a literal private target stored before the setting was turned off', async () => {
    const loose = await start(true);
    const app = await (await tenant(loose)).post('/v1/apps', {
      name: 'legacy',
      target: { type: 'http', url: `${receiver.url}/legacy` },
      retryPolicy: retryOnce,
    });
    // Same data directory, same key, now hosting for others.
    const strict = jsonClient((await start(false)).url, { 'x-api-key': lastKey });
    const m = await strict.post('/v1/messages', { appId: app.id, payload: {} });
    expect(await settle(strict, m.id)).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/cannot be reached: it does not resolve to a public address/),
    });
    expect(receiver.on('/legacy')).toHaveLength(0);
  });

  it('fails an internal name and a name that does not exist alike: same text, same attempts, nothing else to tell them apart', async () => {
    const rt = await start(false);
    const c = await tenant(rt);
    const port = new URL(receiver.url).port;
    answers.set('internal.test', [{ address: '10.20.30.40', family: 4 }]);
    const fates = [];
    for (const host of ['internal.test', 'missing.test']) {
      const app = await c.post('/v1/apps', {
        name: host,
        target: { type: 'http', url: `http://${host}:${port}/x` },
        retryPolicy: retryOnce,
      });
      const m = await c.post('/v1/messages', { appId: app.id, payload: {} });
      const done = await settle(c, m.id);
      const attempts = (await c.get(`/v1/messages/${m.id}/attempts`)).items.map((a: Record<string, unknown>) => ({
        ...a,
        startedAt: undefined,
        durationMs: undefined,
      }));
      fates.push(JSON.stringify({ status: done.status, lastError: done.lastError, attempts }).replaceAll(host, '<host>'));
    }
    expect(fates[0]).toBe(fates[1]);
    expect(fates[0]).toContain('cannot be reached');
  });

  it('refuses a port outside the hosted ports (80, 443, 8080, 8443) at creation when private targets are refused', async () => {
    const config = loadLocalConfig({
      PORT: '0',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_ALLOW_PRIVATE_TARGETS: 'false',
    });
    await runtime?.close();
    runtime = await startLocal(config, { logger: createLogger('silent') });
    const c = await tenant(runtime);
    for (const url of ['https://hooks.example.com:22/x', 'http://hooks.example.com:6379/x']) {
      const res = await c.call('POST', '/v1/apps', { name: 'port', target: { type: 'http', url } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        details: [
          { path: 'target.url', issue: expect.stringMatching(/^target port \d+ is not allowed; allowed ports: 80, 443, 8080, 8443$/) },
        ],
      });
    }
    for (const url of ['https://hooks.example.com/x', 'http://hooks.example.com/x', 'https://hooks.example.com:8443/x'])
      expect((await c.call('POST', '/v1/apps', { name: 'port', target: { type: 'http', url } })).status).toBe(201);
  });

  it('delivers the same rebinding name when private targets are allowed (control run)', async () => {
    const rt = await start(true);
    const c = await tenant(rt);
    answers.set('allowed.test', [{ address: '127.0.0.1', family: 4 }]);
    const app = await c.post('/v1/apps', {
      name: 'allowed',
      target: { type: 'http', url: `http://allowed.test:${new URL(receiver.url).port}/allowed` },
      retryPolicy: retryOnce,
    });
    const m = await c.post('/v1/messages', { appId: app.id, payload: {} });
    expect(await settle(c, m.id)).toMatchObject({ status: 'delivered' });
    expect(receiver.on('/allowed')).toHaveLength(1);
  });

  it('does not follow redirects: the message fails and the redirect target is never called', async () => {
    const rt = await start(true);
    const c = await tenant(rt);
    for (const status of [301, 302, 303, 307, 308]) {
      receiver.respond(`/redirect-${status}`, () => ({ status, headers: { location: `${receiver.url}/landing?token=abc` } }));
      const app = await c.post('/v1/apps', {
        name: `r${status}`,
        target: { type: 'http', url: `${receiver.url}/redirect-${status}` },
        retryPolicy: retryOnce,
      });
      const m = await c.post('/v1/messages', { appId: app.id, payload: {} });
      const done = await settle(c, m.id);
      expect(done).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/redirects are not followed/) });
      expect(done.lastError).not.toContain('token=abc');
    }
    expect(receiver.on('/landing')).toHaveLength(0);
  });
});
