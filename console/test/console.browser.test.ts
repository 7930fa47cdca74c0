/**
 * The tenant console in a real Chromium (playwright-core driving Debian's chromium) against a real embedded server and
 * receiver: sign-in, every page and the actions the issue lists, live updates without a reload, 375 px layouts, and no
 * script error or CSP violation in the page. Screenshots of each page go to console/screenshots/ (ignored by git).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium';
import { eventually } from '../../test/support/eventually';
import { type LocalServer, startLocalServer } from '../../test/support/local-server';
import { type Receiver, startReceiver } from '../../test/support/receiver';
import { type SmtpTestServer, startSmtpServer } from '../../test/support/smtp';
import { buildConsole } from '../build';

jest.setTimeout(60_000);

const shots = join(__dirname, '..', 'screenshots');

let server: LocalServer;
let receiver: Receiver;
/** The SMTP server of email apps; the console's server has its URL but no default sender (PUNCTUAL_EMAIL_FROM). */
let smtp: SmtpTestServer;
/** A plans file with a plan of one pending message, for skipped schedule runs. */
let plansDir: string;
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let controlKey: string;
/**
 * Uncaught errors in the page, and its console errors other than the browser's own line for a request the API refused
 * (the console shows those refusals itself: a wrong key, an invalid expression).
 */
const pageErrors: string[] = [];

/** Calls the API as a test client (not through the page). */
const api = async <T>(method: string, path: string, body?: unknown, key = controlKey): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
};

/** Goes to a page of the console the way a link does (a hash change, no reload). Page scripts are strings: no DOM types here. */
const go = (hash: string) => page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

/** The message row of the messages table. */
const row = (id: string) => page.locator(`tr[data-id="${id}"]`);

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  plansDir = mkdtempSync(join(tmpdir(), 'punctual-console-plans-'));
  writeFileSync(join(plansDir, 'plans.json'), JSON.stringify({ tiny: { maxPendingMessages: 1 } }));
  await buildConsole();
  smtp = await startSmtpServer();
  [server, receiver, browser] = await Promise.all([
    startLocalServer('punctual-console', { PUNCTUAL_SMTP_URL: smtp.url, PUNCTUAL_PLANS_FILE: join(plansDir, 'plans.json') }),
    startReceiver(),
    launchChromium(),
  ]);
  const tenant = await fetch(`${server.url}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'console', plan: 'unlimited' }),
  });
  controlKey = ((await tenant.json()) as { controlKey: { key: string } }).controlKey.key;
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/^Failed to load resource: the server responded with a status of (400|401|403|404|409|501)/.test(m.text())
    ) {
      pageErrors.push(`console: ${m.text()}`);
    }
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await server?.close();
  await smtp?.close();
  if (plansDir) rmSync(plansDir, { recursive: true, force: true });
});

/** Creates a tenant as the operator; its control key. */
const newTenant = async (name: string, plan: string): Promise<{ id: string; key: string }> => {
  const res = await fetch(`${server.url}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, plan }),
  });
  const body = (await res.json()) as { id: string; controlKey: { key: string } };
  return { id: body.id, key: body.controlKey.key };
};

/** Suspends or resumes a tenant as the operator. */
const setTenantStatus = async (id: string, status: 'active' | 'suspended') => {
  const res = await fetch(`${server.url}/v1/tenants/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  expect(res.status).toBe(200);
};

/** The app row of the apps table. */
const appRow = (id: string) => page.locator(`tr[data-id="${id}"]`);

describe('the console', () => {
  it('is served with a strict CSP, compressed and cacheable', async () => {
    const res = await fetch(`${server.url}/console`, { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="([^"]+)"/.exec(await res.text())![1];
    // The server compresses its files on zlib's thread pool just after it starts; until then they go uncompressed.
    const js = await eventually(
      async () => {
        const r = await fetch(new URL(script, `${server.url}/console`), { headers: { 'accept-encoding': 'gzip' } });
        await r.arrayBuffer();
        return r.headers.get('content-encoding') === 'gzip' ? r : undefined;
      },
      { failure: () => 'the console script was never served gzip-compressed' },
    );
    expect(js.headers.get('cache-control')).toContain('immutable');
    const again = await fetch(new URL(script, `${server.url}/console`), { headers: { 'if-none-match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it("shows the API's own error for a wrong key", async () => {
    const expected = await api<{ message: string }>('GET', '/v1/apps', undefined, 'pk_not_a_key');
    await page.goto(`${server.url}/console`);
    await page.getByLabel('API key').fill('pk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: expected.body.message }).waitFor();
    await shot('sign-in-error');
  });

  it('signs in with a control key and shows the overview', async () => {
    await page.getByLabel('API key').fill(controlKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('live', { exact: true }).waitFor(); // the event stream is open
    for (const name of ['Overview', 'Apps', 'Messages', 'Schedules', 'Keys', 'Usage']) {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).waitFor();
    }
  });

  it('creates an app and shows its signing secret once', async () => {
    await go('#/apps');
    await page.getByRole('button', { name: 'New app' }).click();
    const dialog = page.getByRole('dialog', { name: 'New app' });
    await dialog.getByLabel('Name').fill('orders <b>not bold</b>');
    await dialog.getByLabel('Webhook URL').fill(`${receiver.url}/orders`);
    await dialog.getByLabel('Attempts').fill('2');
    await dialog.getByLabel('Base delay (ms)').fill('1000');
    await dialog.getByLabel('Max delay (ms)').fill('1000');
    await dialog.getByRole('button', { name: 'Create app' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const secret = await page.getByTestId('secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    // A name is text, never markup.
    await page.locator('td strong', { hasText: 'orders <b>not bold</b>' }).waitFor();
    expect(await page.locator('td b').count()).toBe(0);
    await shot('apps');
  });

  it("creates an email app: the API's field issues and target_unavailable beside their fields, then its mail arrives", async () => {
    await go('#/apps');
    await page.getByRole('button', { name: 'New app' }).click();
    const dialog = page.getByRole('dialog', { name: 'New app' });
    await dialog.getByLabel('Name', { exact: true }).fill('digest mail');
    await dialog.getByLabel('Target type').selectOption({ label: 'Email' });
    // The http fields give way to the email ones, the subject's placeholders hinted.
    expect(await dialog.getByLabel('Webhook URL').count()).toBe(0);
    await dialog.getByText('{{schedule.name}}, {{message.id}}, {{message.sendAt}}').waitFor();
    await dialog.getByLabel('To', { exact: true }).fill('finance@example.com, not-an-address');
    await dialog.getByLabel('Subject', { exact: true }).fill('{{message.id}} is ready');
    await dialog.getByLabel('Base delay (ms)').fill('1000');
    await dialog.getByLabel('Max age (minutes)').fill('60');
    await dialog.getByRole('button', { name: 'Create app' }).click();
    // A malformed address: the API's issue under the To field.
    await dialog.locator('#app-to-error').filter({ hasText: /email/i }).waitFor();
    expect(await dialog.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('To', { exact: true }).fill('finance@example.com');
    await dialog.getByRole('button', { name: 'Create app' }).click();
    // No sender here (no PUNCTUAL_EMAIL_FROM): target_unavailable, named under the From field.
    await dialog.getByRole('alert').filter({ hasText: 'target_unavailable' }).waitFor();
    await dialog.locator('#app-from-error').filter({ hasText: 'PUNCTUAL_EMAIL_FROM' }).waitFor();
    await shot('app-form-email');
    await dialog.getByLabel('From', { exact: true }).fill('punctual@example.com');
    await dialog.getByRole('button', { name: 'Create app' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Done' }).click();
    const apps = await api<{ items: { id: string; name: string; target: unknown; retryPolicy: { maxAgeMs: number } }[] }>(
      'GET',
      '/v1/apps',
    );
    const app = apps.body.items.find((a) => a.name === 'digest mail')!;
    expect(app.target).toEqual({
      type: 'email',
      to: ['finance@example.com'],
      from: 'punctual@example.com',
      subject: '{{message.id}} is ready',
    });
    expect(app.retryPolicy.maxAgeMs).toBe(3_600_000);
    await appRow(app.id)
      .getByTestId('app-target')
      .getByText('Email to finance@example.com, subject "{{message.id}} is ready", from punctual@example.com')
      .waitFor();
    await appRow(app.id).getByText('for up to 1 h').waitFor();
    const m = await api<{ id: string }>('POST', '/v1/messages', { appId: app.id, payload: 'the digest' });
    const [mail] = await smtp.waitFor(1, 20_000);
    expect(mail.subject).toBe(`${m.body.id} is ready`);
    expect(mail.text).toBe('the digest');
    expect(mail.rcptTo).toEqual(['finance@example.com']);
  });

  it('creates SQS, SNS and EventBridge apps from their fields, each listed in words', async () => {
    const cases = [
      {
        name: 'birthdays',
        type: 'Amazon SQS queue',
        fields: { 'Queue URL': 'https://sqs.eu-west-1.amazonaws.com/123456789012/birthdays' },
        target: { type: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/birthdays' },
        words: 'SQS queue birthdays (eu-west-1, account 123456789012)',
      },
      {
        name: 'web actions',
        type: 'Amazon SNS topic',
        fields: { 'Topic ARN': 'arn:aws:sns:us-east-1:123456789012:web_action', 'Message attributes': 'action=web_action\nteam=growth' },
        target: {
          type: 'sns',
          topicArn: 'arn:aws:sns:us-east-1:123456789012:web_action',
          messageAttributes: { action: 'web_action', team: 'growth' },
        },
        words: 'SNS topic web_action (us-east-1, account 123456789012), attributes action=web_action, team=growth',
      },
      {
        name: 'jobs',
        type: 'Amazon EventBridge bus',
        fields: {
          'Event bus ARN': 'arn:aws:events:us-east-1:123456789012:event-bus/ai-jobs',
          Source: 'acme.jobs',
          'Detail type': 'job.due',
        },
        target: {
          type: 'eventbridge',
          eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/ai-jobs',
          source: 'acme.jobs',
          detailType: 'job.due',
        },
        words: 'EventBridge bus ai-jobs (us-east-1, account 123456789012), acme.jobs / job.due',
      },
    ];
    await go('#/apps');
    for (const c of cases) {
      await page.getByRole('button', { name: 'New app' }).click();
      const dialog = page.getByRole('dialog', { name: 'New app' });
      await dialog.getByLabel('Name', { exact: true }).fill(c.name);
      await dialog.getByLabel('Target type').selectOption({ label: c.type });
      for (const [label, value] of Object.entries(c.fields)) await dialog.getByLabel(label, { exact: true }).fill(value);
      await dialog.getByRole('button', { name: 'Create app' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Done' }).click();
      const apps = await api<{ items: { id: string; name: string; target: unknown }[] }>('GET', '/v1/apps');
      const app = apps.body.items.find((a) => a.name === c.name)!;
      expect(app.target).toEqual(c.target);
      await appRow(app.id).getByTestId('app-target').getByText(c.words).waitFor();
    }
  });

  it('edits a header-bearing http app without losing its header, and replaces the value when the target changes', async () => {
    const created = await api<{ id: string }>('POST', '/v1/apps', {
      name: 'llm',
      target: { type: 'http', url: `${receiver.url}/llm`, headers: { authorization: 'Bearer first-secret' } },
      retryPolicy: { baseDelayMs: 1_000 },
    });
    await go('#/overview');
    await go('#/apps');
    await appRow(created.body.id).getByText(`POST ${receiver.url}/llm with header authorization`).waitFor();
    await appRow(created.body.id).getByRole('button', { name: 'Edit' }).click();
    let dialog = page.getByRole('dialog', { name: 'Edit llm' });
    // The stored header: its name, and its value write-only (*** as a placeholder, never the value).
    expect(await dialog.getByLabel('Header 1', { exact: true }).inputValue()).toBe('authorization');
    const value = dialog.getByLabel('Header 1 value', { exact: true });
    expect(await value.inputValue()).toBe('');
    expect(await value.getAttribute('placeholder')).toBe('***');
    expect(await page.content()).not.toContain('first-secret');
    await dialog.getByLabel('Name', { exact: true }).fill('llm answers');
    await dialog.getByLabel('Attempts').fill('3');
    await shot('app-form-http');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const read = await api<{ name: string; target: { headerNames: string[] }; retryPolicy: { maxAttempts: number } }>(
      'GET',
      `/v1/apps/${created.body.id}`,
    );
    expect(read.body).toMatchObject({ name: 'llm answers', target: { headerNames: ['authorization'] }, retryPolicy: { maxAttempts: 3 } });
    await api('POST', '/v1/messages', { appId: created.body.id, payload: { prompt: 1 } });
    const [first] = await receiver.waitFor('/llm', 1, 20_000);
    expect(first.headers.authorization).toBe('Bearer first-secret');

    // A new method replaces the target whole: the form asks for the value again rather than dropping it.
    await appRow(created.body.id).getByRole('button', { name: 'Edit' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit llm answers' });
    await dialog.getByLabel('Method').selectOption('PUT');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.locator('#app-header-1-value-error').filter({ hasText: 'type this value again' }).waitFor();
    await dialog.getByLabel('Header 1 value', { exact: true }).fill('Bearer second-secret');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await appRow(created.body.id).getByText(`PUT ${receiver.url}/llm with header authorization`).waitFor();
    // Due in 2 s: the engine reads an app through a cache of 1 s, so a message due at once may still go to the old target.
    await api('POST', '/v1/messages', { appId: created.body.id, delaySeconds: 2, payload: { prompt: 2 } });
    const [, second] = await receiver.waitFor('/llm', 2, 20_000);
    expect(second.method).toBe('PUT');
    expect(second.headers.authorization).toBe('Bearer second-secret');
  });

  it('disables an app, shows it disabled with the reason, and enables it again', async () => {
    const created = await api<{ id: string }>('POST', '/v1/apps', {
      name: 'paused receiver',
      target: { type: 'http', url: `${receiver.url}/p` },
    });
    await go('#/overview');
    await go('#/apps');
    await page.getByRole('button', { name: 'Disable paused receiver' }).click();
    await page.getByRole('dialog', { name: 'Disable paused receiver?' }).getByRole('button', { name: 'Disable app' }).click();
    const badge = appRow(created.body.id).getByTestId('app-disabled');
    await badge.getByText('disabled by the tenant').waitFor();
    await badge.getByText('disabled', { exact: true }).waitFor();
    expect((await api<{ status: string }>('GET', `/v1/apps/${created.body.id}`)).body.status).toBe('disabled');
    await shot('apps-disabled');
    await page.getByRole('button', { name: 'Enable paused receiver' }).click();
    await badge.waitFor({ state: 'detached' });
    expect((await api<{ status: string }>('GET', `/v1/apps/${created.body.id}`)).body).toMatchObject({ status: 'active' });
    await page.getByRole('button', { name: 'Disable paused receiver' }).waitFor();
  });

  it('turns a message due in 3 s delivered on screen without a reload, and shows its attempt', async () => {
    const apps = await api<{ items: { id: string; name: string }[] }>('GET', '/v1/apps');
    const app = apps.body.items.find((a) => a.name.startsWith('orders'))!;
    await go('#/messages');
    await page.evaluate('window.sameDocument = true');
    const created = await api<{ id: string }>('POST', '/v1/messages', { appId: app.id, delaySeconds: 3, payload: { order: 1 } });
    await row(created.body.id).getByTestId('status').getByText('scheduled').waitFor();
    await row(created.body.id).getByTestId('status').getByText('delivered').waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await shot('messages');
    await row(created.body.id).getByRole('link').click();
    const attempts = page.getByTestId('attempts');
    await attempts.getByText('success').waitFor();
    expect(await attempts.locator('tbody tr').count()).toBe(1);
    await attempts.getByRole('cell', { name: '200', exact: true }).waitFor();
    await page.getByText('"order": 1').waitFor();
    await shot('message-detail');
  });

  it('aborts a scheduled message', async () => {
    const apps = await api<{ items: { id: string }[] }>('GET', '/v1/apps');
    const later = await api<{ id: string }>('POST', '/v1/messages', { appId: apps.body.items[0].id, delaySeconds: 3_600, payload: {} });
    await go('#/messages?status=scheduled');
    await row(later.body.id)
      .getByRole('button', { name: `Abort ${later.body.id}` })
      .click();
    await eventually(async () => (await api<{ status: string }>('GET', `/v1/messages/${later.body.id}`)).body.status === 'aborted');
    await go('#/messages');
    await row(later.body.id).getByTestId('status').getByText('aborted').waitFor();
  });

  it('redrives a failed message from the overview', async () => {
    // The first attempt is refused for good (400), the redriven one accepted.
    receiver.respond('/flaky', (_r, n) => (n === 1 ? { status: 400, body: 'no such order' } : { status: 200 }));
    const app = await api<{ id: string }>('POST', '/v1/apps', { name: 'flaky', target: { type: 'http', url: `${receiver.url}/flaky` } });
    const m = await api<{ id: string }>('POST', '/v1/messages', { appId: app.body.id, payload: { flaky: true } });
    await eventually(async () => (await api<{ status: string }>('GET', `/v1/messages/${m.body.id}`)).body.status === 'failed');
    await go('#/overview');
    await page.getByRole('button', { name: `Redrive ${m.body.id}` }).click();
    await eventually(async () => (await api<{ status: string }>('GET', `/v1/messages/${m.body.id}`)).body.status === 'delivered');
    await page.getByText('None. Every message was delivered or is on its way.').waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await shot('overview');
  });

  it("creates a schedule with a preview of its next runs in its timezone, which the API's preview confirms", async () => {
    await go('#/schedules');
    await page.getByRole('button', { name: 'New schedule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New schedule' });
    await dialog.getByLabel('Name').fill('morning digest');
    await dialog.getByLabel('Expression').fill('cron(0 6 * * ? *)');
    await dialog.getByLabel('Timezone').fill('America/New_York');
    const preview = dialog.getByTestId('form-preview');
    await preview.locator('li').nth(4).waitFor();
    const expected = await api<{ items: string[] }>('POST', '/v1/schedules/preview', {
      expression: 'cron(0 6 * * ? *)',
      timezone: 'America/New_York',
    });
    const shown = await preview.locator('li').allTextContents();
    expect(shown).toHaveLength(5);
    shown.forEach((text, i) => {
      expect(text).toContain('06:00'); // in New York
      expect(text).toContain(expected.body.items[i].replace('.000Z', 'Z'));
    });
    // Live validation: a bad expression shows the API's message in place of the preview.
    await dialog.getByLabel('Expression').fill('rate(30 seconds)');
    await dialog.getByRole('alert').filter({ hasText: 'minute' }).waitFor();
    await dialog.getByLabel('Expression').fill('cron(0 6 * * ? *)');
    await preview.locator('li').nth(4).waitFor();
    await shot('schedule-form');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('schedules').getByText('every day at 06:00, America/New_York').waitFor();
  });

  it('pauses and resumes a schedule', async () => {
    const state = page.locator('table[data-testid="schedules"] tbody tr').first().getByTestId('state');
    await page.getByRole('button', { name: 'Pause morning digest' }).click();
    await state.getByText('paused').waitFor();
    await page.getByRole('button', { name: 'Resume morning digest' }).click();
    await state.getByText('active').waitFor();
    // The list opens a schedule's next five runs on demand.
    await page.locator('table[data-testid="schedules"] tbody tr').first().locator('summary').click();
    await page.getByTestId('row-next-runs').locator('li').nth(4).waitFor();
    await shot('schedules');
    await page.getByRole('link', { name: 'morning digest' }).click();
    await page.getByTestId('next-runs').locator('li').nth(4).waitFor();
    await shot('schedule-detail');
  });

  it('creates a data key, shows it once, and revokes it', async () => {
    await go('#/keys');
    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New key' });
    await dialog.getByLabel('Name').fill('worker');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const value = (await page.getByTestId('secret').textContent())!;
    expect((await api('GET', '/v1/messages', undefined, value)).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await shot('keys');
    await page.getByRole('button', { name: 'Revoke worker' }).click();
    await page.getByRole('dialog', { name: 'Revoke worker?' }).getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText(/^revoked /).waitFor();
    expect((await api('GET', '/v1/messages', undefined, value)).status).toBe(401);
  });

  it('renders the usage chart', async () => {
    await go('#/usage');
    await page.locator('.chart canvas').first().waitFor();
    await page.getByTestId('usage-totals').waitFor();
    expect(
      await page
        .locator('.chart canvas')
        .first()
        .evaluate((c) => (c as unknown as { width: number }).width),
    ).toBeGreaterThan(0);
    await shot('usage');
  });

  it('lays every page out within 375 px, with nothing overflowing sideways', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const overflowing: string[] = [];
    for (const hash of ['#/overview', '#/apps', '#/messages', '#/schedules', '#/keys', '#/usage']) {
      await go(hash);
      await page.locator('main h1').waitFor();
      // Loaded: no "Loading…" left (the event stream keeps the network busy, so "network idle" never comes).
      await page.locator('main .busy').waitFor({ state: 'detached' });
      await page.locator('main table, main .chart, main p').first().waitFor();
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      if (width > 375) overflowing.push(`${hash}: ${width} px`);
      await shot(`narrow-${hash.slice(2)}`);
    }
    expect(overflowing).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs out, and a data key then sees its app only', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    const apps = await api<{ items: { id: string }[] }>('GET', '/v1/apps');
    const key = await api<{ key: string }>('POST', '/v1/keys', { scope: 'data', appId: apps.body.items[0].id, name: 'reader' });
    await page.getByLabel('API key').fill(key.body.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('data key', { exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Overview', 'Messages', 'Schedules']);
  });

  it("shows the plan's limits and a schedule's skipped runs", async () => {
    const tiny = await newTenant('tiny', 'tiny');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(tiny.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('overview-plan').getByText('tiny').waitFor();
    await page.getByTestId('overview-plan').getByText('pending messages 1 scheduled at once').waitFor();
    // With its one pending message taken, the schedule's run is refused at once and recorded as skipped.
    const app = await api<{ id: string }>(
      'POST',
      '/v1/apps',
      { name: 'a', target: { type: 'http', url: `${receiver.url}/tiny` } },
      tiny.key,
    );
    await api('POST', '/v1/messages', { appId: app.body.id, delaySeconds: 3_600, payload: {} }, tiny.key);
    const at = new Date(Date.now() + 5_000).toISOString().slice(0, 19);
    const schedule = await api<{ id: string }>(
      'POST',
      '/v1/schedules',
      { appId: app.body.id, name: 'refused', expression: `at(${at})`, payload: {} },
      tiny.key,
    );
    expect(schedule.status).toBe(201);
    await eventually(
      async () => (await api<{ skipCount: number }>('GET', `/v1/schedules/${schedule.body.id}`, undefined, tiny.key)).body.skipCount === 1,
    );
    await go('#/schedules');
    await page
      .locator(`tr[data-id="${schedule.body.id}"]`)
      .getByTestId('skips')
      .getByText(/^1 skipped, last .*: maxPendingMessages of 1 reached/)
      .waitFor();
    await page.getByRole('link', { name: 'refused' }).click();
    expect(await page.getByTestId('skip-count').textContent()).toBe('1');
    await page
      .getByTestId('last-skip')
      .getByText(/maxPendingMessages of 1 reached/)
      .waitFor();
    await shot('schedule-skipped');
    await go('#/usage');
    const plan = page.getByTestId('plan');
    await plan.getByText('tiny', { exact: true }).waitFor();
    await plan.getByText('1 scheduled at once').waitFor();
    expect(await plan.getByText('no limit').count()).toBe(5); // throttle, quota, keys, schedules, attempts
  });

  it("explains a suspended tenant's 403 in the console and at sign-in", async () => {
    const tenants = await fetch(`${server.url}/v1/tenants?limit=50`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    const tiny = ((await tenants.json()) as { items: { id: string; name: string }[] }).items.find((t) => t.name === 'tiny')!;
    await setTenantStatus(tiny.id, 'suspended');
    await go('#/apps');
    const banner = page.getByTestId('suspended');
    await banner.getByText('This tenant is suspended.').waitFor();
    await banner.getByText(/messages that come due wait, unattempted/).waitFor();
    await page.getByRole('alert').filter({ hasText: 'tenant_suspended' }).first().waitFor();
    await shot('suspended');
    await page.setViewportSize({ width: 375, height: 800 });
    expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });
    const key = await page.evaluate('sessionStorage.getItem("punctual.console.key")');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(key as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByTestId('suspended')
      .getByText(/delivered as soon as the tenant is active again/)
      .waitFor();
    await setTenantStatus(tiny.id, 'active');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByTestId('overview-plan').waitFor();
    expect(await page.getByTestId('suspended').count()).toBe(0);
  });

  it('had no script error or CSP violation in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
