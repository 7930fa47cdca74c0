/**
 * Results, schedule stats and chains on the real embedded server: the morning-digest job end to end (an LLM-like stand-in
 * that requires its secret header, its answer mailed through a real SMTP server by an `onSuccess` chain, then an
 * `onFailure` mail once its retries end), the depth limit, cross-tenant links, metering and live events of chained messages.
 */
import { newTenantClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startLocalServer, type LocalServer } from '../../test/support/local-server';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { startSmtpServer, type SmtpTestServer } from '../../test/support/smtp';
import { openEvents } from '../../test/support/sse';

let smtp: SmtpTestServer;
let llm: Receiver;
let server: LocalServer;
let control: JsonClient;
let controlKey: string;
let controlKeyId: string;

const llmToken = 'Bearer sk-test-7f3a9c';
const answer = 'Futures point to a flat open; the 10-year yield is unchanged at 4.1%.';
/** Whether the stand-in is down (answers 500). */
let llmDown = false;

beforeAll(async () => {
  smtp = await startSmtpServer();
  llm = await startReceiver();
  // An LLM-like API: it needs its secret Authorization header and answers JSON (with a cookie the result must not keep).
  llm.respond('/v1/chat/completions', (req): { status: number; headers?: Record<string, string>; body: string } => {
    if (req.headers.authorization !== llmToken) return { status: 401, body: '{"error":"unauthorized"}' };
    if (llmDown) return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"overloaded"}' };
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': 'session=abc123; HttpOnly', 'x-request-id': 'req-1' },
      body: JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer } }] }),
    };
  });
  server = await startLocalServer('punctual-chains', { PUNCTUAL_SMTP_URL: smtp.url, PUNCTUAL_EMAIL_FROM: 'punctual@example.com' });
  const tenant = await newTenantClient(server.url, server.adminToken, 'chains');
  control = tenant.client;
  controlKey = tenant.key;
  controlKeyId = (await control.get('/v1/keys')).items[0].id;
}, 30_000);

afterAll(async () => {
  await server?.close();
  await llm?.close();
  await smtp?.close();
});

const settled = (id: string, client = control) =>
  eventually(
    async () => {
      const m = await client.get(`/v1/messages/${id}`);
      return m.status === 'delivered' || m.status === 'failed' ? m : undefined;
    },
    { timeoutMs: 20_000 },
  );

/** The message chained from `id`, once its source lists it. */
const chainedFrom = async (id: string, client = control) => {
  const source = await eventually(
    async () => {
      const m = await client.get(`/v1/messages/${id}`);
      return m.chained?.length || m.chainCut ? m : undefined;
    },
    { timeoutMs: 20_000 },
  );
  return { source, chained: source.chained ? await client.get(`/v1/messages/${source.chained[0]}`) : undefined };
};

const httpApp = (name: string, path: string, extra: Record<string, unknown> = {}) =>
  control.post('/v1/apps', { name, target: { type: 'http', url: `${llm.url}${path}` }, ...extra });

describe('the morning digest: an LLM call every day at 06:00 New York time, its answer by email, a mail when it fails', () => {
  it('mails the answer, then the failure; results and stats are exact', async () => {
    const mail = await control.post('/v1/apps', {
      name: 'digest mail',
      target: { type: 'email', to: ['finance@example.com'], subject: 'Morning digest {{message.sendAt}}' },
    });
    const alarm = await control.post('/v1/apps', {
      name: 'digest failure mail',
      target: { type: 'email', to: ['oncall@example.com'], subject: 'The morning digest failed' },
    });
    const llmApp = await control.post('/v1/apps', {
      name: 'LLM',
      target: { type: 'http', url: `${llm.url}/v1/chat/completions`, headers: { Authorization: llmToken } },
      retryPolicy: { maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    const schedule = await control.post('/v1/schedules', {
      appId: llmApp.id,
      name: 'Morning digest',
      expression: 'cron(0 6 * * ? *)',
      timezone: 'America/New_York',
      payload: { model: 'stand-in', messages: [{ role: 'user', content: 'Summarise the markets before the open.' }] },
      onSuccess: { appId: mail.id },
      onFailure: { appId: alarm.id },
    });
    expect(schedule).toMatchObject({ onSuccess: { appId: mail.id }, onFailure: { appId: alarm.id }, overlap: 'allow' });
    expect(schedule.stats).toEqual({ runs: 0, succeeded: 0, failed: 0, skipped: 0 });

    const run = await control.post(`/v1/schedules/${schedule.id}/trigger`);
    expect(run.onSuccess).toEqual({ appId: mail.id });
    const delivered = await settled(run.id);
    expect(delivered.status).toBe('delivered');
    expect(delivered.result).toMatchObject({ status: 200, bodyEncoding: 'utf8' });
    expect(JSON.parse(delivered.result.body).choices[0].message.content).toBe(answer);
    expect(delivered.result.headers['x-request-id']).toBe('req-1');
    expect(delivered.result.headers['set-cookie']).toBeUndefined();

    const { chained: digest } = await chainedFrom(run.id);
    expect(digest).toMatchObject({ appId: mail.id, chainOf: run.id });
    expect(digest.payload).toMatchObject({
      type: 'message.delivered',
      messageId: run.id,
      appId: llmApp.id,
      scheduleId: schedule.id,
      attempts: 1,
      result: { status: 200 },
    });
    expect((await settled(digest.id)).status).toBe('delivered');
    const [sent] = smtp.mails.filter((m) => m.headers['x-punctual-message-id'] === digest.id);
    expect(sent).toMatchObject({ rcptTo: ['finance@example.com'], subject: `Morning digest ${digest.sendAt}` });
    expect(JSON.parse(sent.text).choices[0].message.content).toBe(answer);

    // The stand-in goes down: both attempts fail, and the failure is mailed.
    llmDown = true;
    const second = await control.post(`/v1/schedules/${schedule.id}/trigger`);
    const failed = await settled(second.id);
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 2, result: { status: 500, body: '{"error":"overloaded"}' } });
    const { chained: failure } = await chainedFrom(second.id);
    expect(failure).toMatchObject({ appId: alarm.id, chainOf: second.id });
    expect(failure.payload).toMatchObject({ type: 'message.failed', attempts: 2, result: { status: 500 } });
    expect((await settled(failure.id)).status).toBe('delivered');
    const [failureMail] = smtp.mails.filter((m) => m.headers['x-punctual-message-id'] === failure.id);
    expect(failureMail).toMatchObject({
      rcptTo: ['oncall@example.com'],
      subject: 'The morning digest failed',
      text: '{"error":"overloaded"}',
    });
    llmDown = false;

    // Stats: two finished runs, the durations of their final attempts.
    const finals = [
      (await control.get(`/v1/messages/${run.id}/attempts`)).items.at(-1),
      (await control.get(`/v1/messages/${second.id}/attempts`)).items.at(-1),
    ];
    expect((await control.get(`/v1/schedules/${schedule.id}`)).stats).toEqual({
      runs: 2,
      succeeded: 1,
      failed: 1,
      skipped: 0,
      lastStatus: 'failed',
      lastRunAt: failed.failedAt,
      lastDurationMs: finals[1].durationMs,
      avgDurationMs: Math.round((finals[0].durationMs + finals[1].durationMs) / 2),
    });
    // Lists stay lean unless they ask for results.
    const runs = await control.get(`/v1/schedules/${schedule.id}/runs`);
    expect(runs.items.map((m: { result?: unknown }) => m.result)).toEqual([undefined, undefined]);
    const withResults = await control.get(`/v1/schedules/${schedule.id}/runs?include=result`);
    expect(withResults.items.map((m: { result: { status: number } }) => m.result.status)).toEqual([500, 200]);
  });
});

describe('chains', () => {
  it('cut a chain deeper than 5 and record it on the message that would have chained', async () => {
    const loop = await httpApp('loop', '/loop');
    await control.patch(`/v1/apps/${loop.id}`, { onSuccess: { appId: loop.id } });
    let m = await control.post('/v1/messages', { appId: loop.id, payload: { start: true } });
    const ids = [m.id];
    for (let depth = 1; depth <= 5; depth++) {
      const { chained } = await chainedFrom(m.id);
      expect(chained.chainOf).toBe(m.id);
      m = chained;
      ids.push(m.id);
    }
    const { source: last } = await chainedFrom(m.id);
    expect(last.chained).toBeUndefined();
    expect(last.chainCut).toMatch(/at most 5 messages deep/);
    expect(await llm.waitFor('/loop', 6)).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
  });

  it("refuse another tenant's app as 404, like a missing one, on messages, apps and schedules", async () => {
    const other = await newTenantClient(server.url, server.adminToken, 'chains-other');
    const theirs = await other.client.post('/v1/apps', { name: 'theirs', target: { type: 'http', url: `${llm.url}/theirs` } });
    const mine = await httpApp('mine', '/mine');
    const refused = [
      await control.call('POST', '/v1/messages', { appId: mine.id, payload: {}, onSuccess: { appId: theirs.id } }),
      await control.call('POST', '/v1/apps', {
        name: 'x',
        target: { type: 'http', url: `${llm.url}/x` },
        onFailure: { appId: theirs.id },
      }),
      await control.call('POST', '/v1/schedules', {
        appId: mine.id,
        name: 'x',
        expression: 'rate(1 hour)',
        payload: {},
        onSuccess: { appId: theirs.id },
      }),
      await control.call('PATCH', `/v1/apps/${mine.id}`, { onSuccess: { appId: theirs.id } }),
    ];
    const missing = await control.call('POST', '/v1/messages', { appId: mine.id, payload: {}, onSuccess: { appId: 'app_missing' } });
    const codeOf = (r: { body: unknown }) => (r.body as { error: { code: string } }).error.code;
    for (const r of refused) {
      expect(r.status).toBe(404);
      expect(codeOf(r)).toBe(codeOf(missing));
    }
    expect(missing.status).toBe(404);
  });

  it('meter chained messages against the source key and announce them as message.created', async () => {
    const target = await httpApp('chain target', '/metered');
    const source = await httpApp('chain source', '/source', { onSuccess: { appId: target.id } });
    const before = (await control.get(`/v1/usage?keyId=${controlKeyId}`)).totals;
    const events = await openEvents(server.url, controlKey);
    try {
      const m = await control.post('/v1/messages', { appId: source.id, payload: { n: 1 } });
      const { chained } = await chainedFrom(m.id);
      expect((await settled(chained.id)).status).toBe('delivered');
      const created = await events.waitFor((e) => e.event === 'message.created' && e.data.messageId === chained.id);
      expect(created.data).toMatchObject({ appId: target.id, status: 'scheduled' });
      const after = await eventually(
        async () => {
          const t = (await control.get(`/v1/usage?keyId=${controlKeyId}`)).totals;
          return t.deliveries >= before.deliveries + 2 ? t : undefined;
        },
        { timeoutMs: 10_000 },
      );
      expect(after.messagesScheduled - before.messagesScheduled).toBe(2);
      expect(after.deliveries - before.deliveries).toBe(2);
    } finally {
      events.close();
    }
  });
});
