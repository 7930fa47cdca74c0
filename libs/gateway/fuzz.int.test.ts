import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzRoutes, prepareFuzzFixture, type FuzzFixture } from '../../chaos/fuzz';
import { rawRequest } from '../../chaos/raw-http';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { routes } from '../http/routes';
import { loadLocalConfig } from '../runtime/config';
import { startLocal, type LocalRuntime } from '../runtime/local';
import { createLogger } from '../observability/logger';
import { startGateway, type Gateway } from './server';

/**
 * Hostile input over every route of the route table (a new route is fuzzed without touching this
 * file): no 5xx, no crash, every 4xx a registered snake_case code with a message. Fixed seed and
 * few runs here; `npm run chaos` runs many more.
 */
describe('gateway under hostile input (real server, raw sockets)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  let fixture: FuzzFixture;
  const logs: string[] = [];
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-fuzz-'));
    receiver = await startReceiver();
    const adminToken = randomBytes(24).toString('base64url');
    const config = loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken });
    // No deliveries at all: fuzzed apps may name any URL, and nothing may leave this machine.
    runtime = await startLocal(config, { logger: createLogger('info', (l) => logs.push(l)), engine: { maxInFlight: 0 } });
    fixture = await prepareFuzzFixture(runtime.url, adminToken, `${receiver.url}/fuzz`);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await runtime.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`answers ${routes.length} routes × 30 generated requests with no 5xx and the error contract (seed 20261123)`, async () => {
    const report = await fuzzRoutes(fixture, { seed: 20261123, runsPerRoute: 30, concurrency: 4, deadlineMs: 40_000 });
    expect(report.violations).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.requests).toBe(routes.length * 30);
    // Not only refusals: the plausible bodies get through too.
    expect(Object.keys(report.statuses).some((s) => Number(s) >= 200 && Number(s) < 300)).toBe(true);
    expect(rejections).toEqual([]);
    expect(logs.filter((l) => /"level":"error"/.test(l))).toEqual([]);
    const health = await fetch(`${runtime.url}/v1/health`);
    expect(health.status).toBe(200);
  }, 60_000);

  it('answers a malformed request target with 400 invalid_request instead of crashing', async () => {
    for (const target of ['http://[/', 'http://a:99999/v1/health', '//', '/v1/%', '*']) {
      const res = await rawRequest(fixture.port, { method: 'GET', target, headers: [] });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.parse(res.body)).toMatchObject({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
    }
    expect(rejections).toEqual([]);
  });

  it('answers bad header bytes, conflicting lengths and oversized headers with a JSON error, not a bare status line', async () => {
    const cases: [string, string][][] = [
      [['x-junk', 'a\u0001b']],
      [
        ['content-length', '5'],
        ['content-length', '7'],
      ],
      [['bad name', 'x']],
      [['x-huge', 'h'.repeat(20_000)]],
    ];
    for (const headers of cases) {
      const res = await rawRequest(fixture.port, {
        method: 'GET',
        target: '/v1/apps',
        headers: [['x-api-key', fixture.controlKey], ...headers],
      });
      expect(res.status === 400 || res.status === 431).toBe(true);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    }
  });

  it('refuses a body over 256 KiB, declared or streamed, with 413 payload_too_large', async () => {
    const big = Buffer.from(JSON.stringify({ appId: fixture.own.appId, payload: 'z'.repeat(300 * 1024) }));
    const headers: [string, string][] = [
      ['x-api-key', fixture.controlKey],
      ['content-type', 'application/json'],
    ];
    const declared = await rawRequest(fixture.port, { method: 'POST', target: '/v1/messages', headers, body: big });
    expect(declared.status).toBe(413);
    const chunked = Buffer.concat([Buffer.from(`${big.length.toString(16)}\r\n`), big, Buffer.from('\r\n0\r\n\r\n')]);
    const streamed = await rawRequest(fixture.port, {
      method: 'POST',
      target: '/v1/messages',
      headers: [...headers, ['transfer-encoding', 'chunked']],
      body: chunked,
      pieces: 8,
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: 'payload_too_large' });
  });

  it('accepts a slow but complete upload', async () => {
    const body = Buffer.from(JSON.stringify({ appId: fixture.own.appId, delaySeconds: 3_600, payload: { slow: 'x'.repeat(2_000) } }));
    const res = await rawRequest(fixture.port, {
      method: 'POST',
      target: '/v1/messages',
      headers: [
        ['x-api-key', fixture.controlKey],
        ['content-type', 'application/json'],
      ],
      body,
      pieces: 10,
      pauseMs: 50,
    });
    expect(res.status).toBe(201);
  });

  describe('with short timeouts', () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await startGateway(runtime.services, { port: 0, host: '127.0.0.1', requestTimeoutMs: 1_000, headersTimeoutMs: 500 });
    });
    afterAll(() => gateway.close());

    it('answers a stalled upload with 408 while serving other clients meanwhile', async () => {
      const stalled = rawRequest(gateway.port, {
        method: 'POST',
        target: '/v1/messages',
        headers: [
          ['x-api-key', fixture.controlKey],
          ['content-type', 'application/json'],
          ['content-length', '1000'],
        ],
        body: Buffer.from('{"payload":'),
      });
      const others = await Promise.all(
        Array.from({ length: 5 }, () => rawRequest(gateway.port, { method: 'GET', target: '/v1/health', headers: [] })),
      );
      expect(others.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const res = await stalled;
      expect(res.status).toBe(408);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/did not arrive in time/) });
      expect(logs.filter((l) => /"level":"error"/.test(l))).toEqual([]);
    });

    it('answers headers that never finish (slowloris) with 408', async () => {
      const { connect } = await import('node:net');
      const answer = await new Promise<string>((resolve) => {
        let out = '';
        const s = connect(gateway.port, '127.0.0.1', () => s.write('GET /v1/health HTTP/1.1\r\nhost: x\r\nx-slow: '));
        s.on('data', (d) => (out += d.toString()));
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).toContain('"error":"invalid_request"');
    });
  });
});
