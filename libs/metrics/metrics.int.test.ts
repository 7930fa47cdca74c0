import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../test/support/eventually';
import { type LocalServer, startLocalServer } from '../../test/support/local-server';
import { type Receiver, startReceiver } from '../../test/support/receiver';

/** One sample of the exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const labelPair = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"`;
const sampleLine = new RegExp(`^(${metricName})(\\{(?:${labelPair}(?:,${labelPair})*)?,?\\})? (\\S+)( -?\\d+)?$`);
const helpLine = new RegExp(`^# HELP ${metricName} .*$`);
const typeLine = new RegExp(`^# TYPE ${metricName} (counter|gauge|histogram|summary|untyped)$`);

/**
 * Parses Prometheus text exposition (version 0.0.4) strictly: every line is a HELP, a TYPE or a sample whose value is a
 * number (or NaN/±Inf), and every sample's family was declared. Throws on anything else.
 */
const parseExposition = (text: string): Sample[] => {
  const declared = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      if (!helpLine.test(line)) throw new Error(`bad HELP line: ${line}`);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      if (!typeLine.test(line)) throw new Error(`bad TYPE line: ${line}`);
      declared.add(line.split(' ')[2]);
      continue;
    }
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const [, name, rawLabels, rawValue] = m;
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    if (Number.isNaN(value) && rawValue !== 'NaN') throw new Error(`bad value: ${line}`);
    const family = name.replace(/_(bucket|sum|count|total|created)$/, '');
    if (!declared.has(name) && !declared.has(family)) throw new Error(`sample of an undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (rawLabels ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    samples.push({ name, labels, value });
  }
  return samples;
};

/** The value of the sample `name` whose labels include `labels`; 0 when there is none (a counter never incremented). */
const sampleValue = (samples: Sample[], name: string, labels: Record<string, string> = {}): number => {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
};

describe('GET /metrics', () => {
  let server: LocalServer;
  let receiver: Receiver;
  let plansDir: string;
  const metricsToken = 'metrics-token-0123456789';

  /** Reads /metrics with a bearer token (the metrics token by default; null: none). */
  const scrape = async (token: string | null = metricsToken) =>
    fetch(`${server.url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const tenant = async (plan: string) => {
    const res = await fetch(`${server.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: plan, plan }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { controlKey: { key: string } }).controlKey.key;
  };
  const call = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const app = async (key: string, path: string): Promise<string> => {
    const res = await call(key, 'POST', '/v1/apps', {
      name: path,
      target: { type: 'http', url: `${receiver.url}${path}` },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    plansDir = mkdtempSync(join(tmpdir(), 'punctual-metrics-plans-'));
    const plans = {
      // One request per 1,000 s after a burst of 2: the third call in a row is throttled, however slow the machine.
      trickle: { throttle: { rateLimit: 0.001, burstLimit: 2 } },
      tiny: { quota: { limit: 2, period: 'DAY' } },
      few: { maxPendingMessages: 1 },
    };
    writeFileSync(join(plansDir, 'plans.json'), JSON.stringify(plans));
    receiver = await startReceiver();
    server = await startLocalServer('punctual-metrics', {
      PUNCTUAL_METRICS_TOKEN: metricsToken,
      PUNCTUAL_PLANS_FILE: join(plansDir, 'plans.json'),
    });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
    rmSync(plansDir, { recursive: true, force: true });
  });

  it('counts a known workload exactly, in parseable Prometheus text, with no tenant, app, key or message ids', async () => {
    // Deliveries: 3 accepted at once, 2 refused for good (400), 1 accepted at the second attempt (503 first).
    receiver.respond('/bad', () => ({ status: 400, body: 'no' }));
    receiver.respond('/flaky', (_r, n) => (n === 1 ? { status: 503 } : { status: 200 }));
    const key = await tenant('unlimited');
    const [ok, bad, flaky] = [await app(key, '/ok'), await app(key, '/bad'), await app(key, '/flaky')];
    const ids: string[] = [];
    for (const appId of [ok, ok, ok, bad, bad, flaky]) {
      const res = await call(key, 'POST', '/v1/messages', { appId, payload: { n: 1 } });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // 429s: the plan's throttle, its quota, its pending-message limit.
    const trickle = await tenant('trickle');
    expect([(await call(trickle, 'GET', '/v1/apps')).status, (await call(trickle, 'GET', '/v1/apps')).status]).toEqual([200, 200]);
    expect((await call(trickle, 'GET', '/v1/apps')).status).toBe(429);
    const tiny = await tenant('tiny');
    expect([(await call(tiny, 'GET', '/v1/keys')).status, (await call(tiny, 'GET', '/v1/keys')).status]).toEqual([200, 200]);
    expect((await call(tiny, 'GET', '/v1/keys')).status).toBe(429);
    const few = await tenant('few');
    const fewApp = await app(few, '/few');
    expect((await call(few, 'POST', '/v1/messages', { appId: fewApp, delaySeconds: 3_600, payload: {} })).status).toBe(201);
    expect((await call(few, 'POST', '/v1/messages', { appId: fewApp, delaySeconds: 3_600, payload: {} })).status).toBe(429);
    expect((await fetch(`${server.url}/no/such/path`)).status).toBe(404);
    await eventually(
      async () => {
        const done = await Promise.all(
          ids.map(async (id) => ((await (await call(key, 'GET', `/v1/messages/${id}`)).json()) as { status: string }).status),
        );
        return done.every((s) => s === 'delivered' || s === 'failed');
      },
      { timeoutMs: 15_000 },
    );

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const s = parseExposition(text);
    const http = { target_type: 'http' };
    expect(sampleValue(s, 'punctual_attempts_total', { ...http, outcome: 'delivered' })).toBe(4);
    expect(sampleValue(s, 'punctual_attempts_total', { ...http, outcome: 'retry' })).toBe(1);
    expect(sampleValue(s, 'punctual_attempts_total', { ...http, outcome: 'failed' })).toBe(2);
    expect(sampleValue(s, 'punctual_deliveries_total', { ...http, outcome: 'delivered' })).toBe(4);
    expect(sampleValue(s, 'punctual_deliveries_total', { ...http, outcome: 'failed' })).toBe(2);
    expect(sampleValue(s, 'punctual_deliveries_total', { outcome: 'retry' })).toBe(0);
    // Lateness of first attempts only (6 messages); duration of every attempt (7).
    expect(sampleValue(s, 'punctual_delivery_lateness_seconds_count')).toBe(6);
    expect(sampleValue(s, 'punctual_delivery_lateness_seconds_bucket', { le: '+Inf' })).toBe(6);
    expect(sampleValue(s, 'punctual_attempt_duration_seconds_count', http)).toBe(7);
    const requests = (route: string, method: string, status: string) =>
      sampleValue(s, 'punctual_http_requests_total', { route, method, status });
    expect(requests('/v1/tenants', 'POST', '201')).toBe(4);
    expect(requests('/v1/apps', 'POST', '201')).toBe(4);
    expect(requests('/v1/messages', 'POST', '201')).toBe(7);
    expect(requests('/v1/messages', 'POST', '429')).toBe(1);
    expect(requests('/v1/apps', 'GET', '200')).toBe(2);
    expect(requests('/v1/apps', 'GET', '429')).toBe(1);
    expect(requests('/v1/keys', 'GET', '200')).toBe(2);
    expect(requests('/v1/keys', 'GET', '429')).toBe(1);
    expect(requests('(unmatched)', 'GET', '404')).toBe(1);
    expect(requests('/metrics', 'GET', '200')).toBe(0); // this scrape is counted once answered
    expect(sampleValue(s, 'punctual_http_refusals_total', { reason: 'throttle' })).toBe(1);
    expect(sampleValue(s, 'punctual_http_refusals_total', { reason: 'quota' })).toBe(1);
    expect(sampleValue(s, 'punctual_http_refusals_total', { reason: 'pending' })).toBe(1);
    expect(sampleValue(s, 'punctual_messages_pending')).toBe(1);
    expect(sampleValue(s, 'punctual_messages_in_flight')).toBe(0);
    for (const gauge of ['punctual_engine_window_messages', 'punctual_engine_queued_messages', 'punctual_sqlite_wal_bytes']) {
      expect(s.some((x) => x.name === gauge)).toBe(true);
    }
    expect(s.some((x) => x.name === 'punctual_process_cpu_seconds_total')).toBe(true);
    // Bounded labels only: no id of anything a tenant owns.
    const labelNames = new Set(s.flatMap((x) => Object.keys(x.labels)));
    for (const forbidden of ['tenant', 'tenant_id', 'app', 'app_id', 'key', 'key_id', 'message', 'message_id']) {
      expect(labelNames.has(forbidden)).toBe(false);
    }
    expect(text).not.toMatch(/(ten|app|key|msg|sch)_[0-9A-Za-z]{20,}/);
    await eventually(
      async () => sampleValue(parseExposition(await (await scrape()).text()), 'punctual_sqlite_checkpoint_duration_seconds_count') > 0,
    );
  }, 60_000);

  it('needs the admin token or PUNCTUAL_METRICS_TOKEN', async () => {
    expect((await scrape(null)).status).toBe(401);
    const wrong = await scrape('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
    expect((await scrape(server.adminToken)).status).toBe(200);
    expect((await scrape(metricsToken)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(
      405,
    );
  });
});
