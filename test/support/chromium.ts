/** Debian's Chromium driven by playwright-core (which downloads no browser), for the console's browser tests. Tests only. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** The Chromium binary: `PUNCTUAL_CHROMIUM`, or Debian's. */
export const chromiumPath = (): string => process.env.PUNCTUAL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A headless Chromium with a fresh profile (playwright's persistent context is how it takes `--user-data-dir`) that
 * talks to nothing but the pages it is sent to; `close` removes the profile.
 */
export const launchChromium = async (
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; close: () => Promise<void> }> => {
  const profile = mkdtempSync(join(tmpdir(), 'punctual-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};
