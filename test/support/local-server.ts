/** The embedded server for tests that speak HTTP to it. Tests only. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../libs/observability/logger';
import { loadLocalConfig } from '../../libs/runtime/config';
import { type LocalOverrides, type LocalRuntime, startLocal } from '../../libs/runtime/local';

/** A running embedded server and what a test needs to reach it. */
export interface LocalServer {
  url: string;
  /** The operator token of `POST /v1/tenants`, random per server. */
  adminToken: string;
  /** The throw-away data directory, removed by `close`. */
  dataDir: string;
  runtime: LocalRuntime;
  close(): Promise<void>;
}

/**
 * Starts the embedded server on a random loopback port with a fresh data directory (named after `prefix`)
 * and a random admin token, logging nothing. `env` adds to or overrides its settings, `overrides` its parts' tuning.
 */
export const startLocalServer = async (
  prefix: string,
  env: Record<string, string> = {},
  overrides: LocalOverrides = {},
): Promise<LocalServer> => {
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const adminToken = randomBytes(24).toString('base64url');
  const config = loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken, ...env });
  const runtime = await startLocal(config, { logger: createLogger('silent'), ...overrides });
  return {
    url: runtime.url,
    adminToken,
    dataDir,
    runtime,
    close: async () => {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
