/**
 * The tenant console in a real Chromium (playwright-core driving Debian's chromium) against a real embedded server and
 * receiver: sign-in, every page and the actions the issue lists, live updates without a reload, 375 px layouts, and no
 * script error or CSP violation in the page. Screenshots of each page go to console/screenshots/ (ignored by git).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium';
import { eventually } from '../../test/support/eventually';
import { type LocalServer, startLocalServer } from '../../test/support/local-server';
import { type Receiver, startReceiver } from '../../test/support/receiver';
import { buildConsole } from '../build';

jest.setTimeout(60_000);

const shots = join(__dirname, '..', 'screenshots');

let server: LocalServer;
let receiver: Receiver;
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
  await buildConsole();
  [server, receiver, browser] = await Promise.all([startLocalServer('punctual-console'), startReceiver(), launchChromium()]);
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
});

describe('the console', () => {
  it('is served with a strict CSP, compressed and cacheable', async () => {
    const res = await fetch(`${server.url}/console`, { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="([^"]+)"/.exec(await res.text())![1];
    const js = await fetch(new URL(script, `${server.url}/console`), { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('content-encoding')).toBe('gzip');
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

  it('had no script error or CSP violation in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
