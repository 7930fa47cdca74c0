import { type Browser, chromium, type Page } from 'playwright-core';
import { startLocalServer, type LocalServer } from '../../test/support/local-server';
import { pageContentSecurityPolicy } from '../http/headers';
import { routes } from '../http/routes';

const executablePath = process.env.PUNCTUAL_CHROMIUM ?? '/usr/bin/chromium';

/** Opens `path`, recording every Content-Security-Policy violation the page reports. */
const open = async (browser: Browser, url: string): Promise<{ page: Page; violations: () => Promise<string[]> }> => {
  const page = await browser.newPage();
  // Browser code as text: this project's TypeScript has no DOM types.
  await page.addInitScript({
    content:
      'window.cspViolations = []; document.addEventListener("securitypolicyviolation", ' +
      '(e) => window.cspViolations.push(e.effectiveDirective + " " + e.blockedURI));',
  });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toBe(pageContentSecurityPolicy);
  return { page, violations: () => page.evaluate<string[]>('window.cspViolations') };
};

describe('/docs in Chromium, under its Content-Security-Policy', () => {
  let server: LocalServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startLocalServer('punctual-docs');
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders Swagger UI with every operation of the spec, breaking none of the policy', async () => {
    const { page, violations } = await open(browser, `${server.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBe(routes.length);
    // What a reader does: expand an operation and try it out, open the schemas.
    await page.locator('.opblock-summary').first().click();
    await page.waitForSelector('.opblock-body', { timeout: 10_000 });
    await page.locator('.try-out__btn').first().click();
    await page.waitForSelector('.execute', { timeout: 10_000 });
    await page.locator('.execute').first().click();
    await page.waitForSelector('.responses-wrapper .live-responses-table, .responses-wrapper .response', { timeout: 10_000 });
    await page.locator('section.models .json-schema-2020-12-expand-deep-button').first().click();
    await page.waitForSelector('section.models .json-schema-2020-12-body:not(.json-schema-2020-12-body--collapsed)', { timeout: 10_000 });
    expect(await violations()).toEqual([]);
  }, 60_000);

  it('would report a violation: an inline script injected into the page is refused', async () => {
    const { page, violations } = await open(browser, `${server.url}/docs/`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const ran = await page.evaluate<boolean>(
      '(() => { const s = document.createElement("script"); s.textContent = "window.injected = true"; ' +
        'document.body.append(s); return window.injected === true; })()',
    );
    expect(ran).toBe(false);
    expect(await violations()).toEqual([expect.stringMatching(/^script-src-elem inline/)]);
  }, 60_000);
});
