/**
 * Target types on the real embedded server: email through a real SMTP server (started here), HTTP methods
 * to a real receiver, and what a runtime without SMTP settings refuses.
 */
import { Webhook } from 'standardwebhooks';
import { newTenantClient, type JsonClient } from '../../chaos/http';
import { eventually } from '../../test/support/eventually';
import { startLocalServer, type LocalServer } from '../../test/support/local-server';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { startSmtpServer, type SmtpTestServer } from '../../test/support/smtp';

let smtp: SmtpTestServer;
let receiver: Receiver;
let server: LocalServer;
let bare: LocalServer;
let control: JsonClient;
let controlKeyId: string;
/** Recipients `flaky@` was refused for so far. */
let flakyTried = 0;

beforeAll(async () => {
  // The first recipient `flaky@` sees is refused for now (451), as a busy mail server does.
  smtp = await startSmtpServer({
    rejectRcpt: (address) => (address === 'flaky@example.com' && !flakyTried++ ? { code: 451, message: 'busy' } : undefined),
  });
  receiver = await startReceiver();
  server = await startLocalServer('punctual-targets', { PUNCTUAL_SMTP_URL: smtp.url, PUNCTUAL_EMAIL_FROM: 'punctual@example.com' });
  bare = await startLocalServer('punctual-targets-bare');
  const tenant = await newTenantClient(server.url, server.adminToken, 'targets');
  control = tenant.client;
  controlKeyId = (await control.get('/v1/keys')).items[0].id;
}, 30_000);

afterAll(async () => {
  await server?.close();
  await bare?.close();
  await receiver?.close();
  await smtp?.close();
});

const settled = (id: string) =>
  eventually(
    async () => {
      const m = await control.get(`/v1/messages/${id}`);
      return m.status === 'delivered' || m.status === 'failed' ? m : undefined;
    },
    { timeoutMs: 15_000 },
  );

describe('email targets (SMTP)', () => {
  it('mails a 06:00 New York run with its subject rendered; the attempt holds 250 and the mail id; usage counts it', async () => {
    const app = await control.post('/v1/apps', {
      name: 'finance digest',
      target: { type: 'email', to: ['finance@example.com'], cc: ['cfo@example.com'], subject: '{{schedule.name}} for {{message.sendAt}}' },
    });
    expect(app.target).toEqual({
      type: 'email',
      to: ['finance@example.com'],
      cc: ['cfo@example.com'],
      subject: '{{schedule.name}} for {{message.sendAt}}',
    });
    const schedule = await control.post('/v1/schedules', {
      appId: app.id,
      name: 'Morning digest',
      expression: 'cron(0 6 * * ? *)',
      timezone: 'America/New_York',
      payload: 'Markets opened higher.\nNothing else to report.',
    });
    const run = await control.post(`/v1/schedules/${schedule.id}/trigger`);
    expect((await settled(run.id)).status).toBe('delivered');

    const mail = smtp.mails.find((m) => m.headers['x-punctual-message-id'] === run.id)!;
    expect(mail).toMatchObject({
      from: 'punctual@example.com',
      rcptTo: ['finance@example.com', 'cfo@example.com'],
      subject: `Morning digest for ${run.sendAt}`,
      text: 'Markets opened higher.\nNothing else to report.',
    });
    const [attempt] = (await control.get(`/v1/messages/${run.id}/attempts`)).items;
    expect(attempt).toMatchObject({ attempt: 1, outcome: 'success', statusCode: 250 });
    expect(JSON.parse(attempt.responseBody)).toMatchObject({ messageId: `<${run.id}@punctual>` });
    const usage = await control.get(`/v1/usage?keyId=${controlKeyId}`);
    expect(usage.totals).toMatchObject({ deliveries: 1, attempts: 1 });
  });

  it("retries a mail server's 4xx with the app's retry policy, then delivers", async () => {
    const app = await control.post('/v1/apps', {
      name: 'flaky',
      target: { type: 'email', to: ['flaky@example.com'], subject: 'Report' },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    const m = await control.post('/v1/messages', { appId: app.id, payload: { subject: 'Weekly report', text: 'All green.' } });
    expect((await settled(m.id)).status).toBe('delivered');
    const attempts = (await control.get(`/v1/messages/${m.id}/attempts`)).items;
    expect(attempts.map((a: { outcome: string; statusCode?: number }) => [a.outcome, a.statusCode])).toEqual([
      ['retry', 451],
      ['success', 250],
    ]);
    expect(smtp.mails.filter((mail) => mail.headers['x-punctual-message-id'] === m.id)).toEqual([
      expect.objectContaining({ subject: 'Weekly report', text: 'All green.' }),
    ]);
  });
});

describe('http targets', () => {
  it('call the target with its method; GET and DELETE carry no body, and their signature covers an empty one', async () => {
    const made: Record<string, { id: string; signingSecret: string }> = {};
    for (const method of ['PUT', 'GET', 'DELETE']) {
      made[method] = await control.post('/v1/apps', { name: method, target: { type: 'http', url: `${receiver.url}/${method}`, method } });
    }
    for (const method of Object.keys(made)) await control.post('/v1/messages', { appId: made[method].id, payload: { n: 1 } });
    const [put] = await receiver.waitFor('/PUT', 1);
    expect(put).toMatchObject({ method: 'PUT', body: '{"n":1}' });
    expect(put.headers['content-type']).toBe('application/json');
    for (const method of ['GET', 'DELETE']) {
      const [r] = await receiver.waitFor(`/${method}`, 1);
      expect(r).toMatchObject({ method, body: '' });
      expect(r.headers['content-type']).toBeUndefined();
      expect(() => new Webhook(made[method].signingSecret).verify('', r.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('read header values back as "***", and PATCH changes the method', async () => {
    const app = await control.post('/v1/apps', {
      name: 'llm',
      target: { type: 'http', url: `${receiver.url}/llm`, headers: { authorization: 'Bearer sk-live-123' } },
    });
    expect(app.target).toEqual({
      type: 'http',
      url: `${receiver.url}/llm`,
      method: 'POST',
      headers: { authorization: '***' },
      headerNames: ['authorization'],
      timeoutMs: 10_000,
    });
    const patched = await control.patch(`/v1/apps/${app.id}`, {
      target: { type: 'http', url: `${receiver.url}/llm`, method: 'PATCH', headers: { authorization: 'Bearer sk-live-456' } },
    });
    expect(patched.target).toMatchObject({ method: 'PATCH', headers: { authorization: '***' } });
    expect(JSON.stringify(await control.get(`/v1/apps/${app.id}`))).not.toMatch(/sk-live/);
  });
});

describe('a runtime without SMTP settings', () => {
  it('refuses an email app with 400 target_unavailable naming the setting, and an unknown type naming the known ones', async () => {
    const { client } = await newTenantClient(bare.url, bare.adminToken, 'bare');
    const email = await client.call('POST', '/v1/apps', { name: 'e', target: { type: 'email', to: ['a@example.com'], subject: 's' } });
    expect(email).toMatchObject({
      status: 400,
      body: {
        error: 'target_unavailable',
        message: expect.stringContaining('PUNCTUAL_SMTP_URL'),
        details: [{ path: 'target.type', issue: expect.stringContaining('PUNCTUAL_SMTP_URL') }],
      },
    });
    const unknown = await client.call('POST', '/v1/apps', { name: 'u', target: { type: 'fax', number: '1' } });
    expect(unknown).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_request',
        details: [{ path: 'target.type', issue: 'must be one of "http", "email", "sqs", "sns", "eventbridge"' }],
      },
    });
    expect((await client.get('/v1/apps')).items).toEqual([]);
  });
});
