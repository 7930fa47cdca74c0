import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPunctualClient, type PunctualClient } from '../client/client';
import { loadLocalConfig } from '../../libs/runtime/config';
import { startLocal, type LocalRuntime } from '../../libs/runtime/local';
import { createLogger } from '../../libs/runtime/logger';

/** The service under test: a deployed stage (PUNCTUAL_E2E_BASE_URL + PUNCTUAL_E2E_ADMIN_TOKEN) or a local server started here. */
export interface Target {
  baseUrl: string;
  adminToken: string;
  /** The in-process runtime when local. */
  local?: LocalRuntime;
  dataDir?: string;
  close(): Promise<void>;
}

export const startTarget = async (env: Record<string, string> = {}): Promise<Target> => {
  const stage = process.env.PUNCTUAL_E2E_BASE_URL;
  if (stage) {
    const adminToken = process.env.PUNCTUAL_E2E_ADMIN_TOKEN;
    if (!adminToken) throw new Error('PUNCTUAL_E2E_BASE_URL needs PUNCTUAL_E2E_ADMIN_TOKEN (admin token or Cognito ID token)');
    return { baseUrl: stage.replace(/\/$/, ''), adminToken, close: async () => undefined };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'punctual-e2e-'));
  const adminToken = randomBytes(24).toString('base64url');
  const config = loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: adminToken, ...env });
  const local = await startLocal(config, { logger: createLogger('silent') });
  return {
    baseUrl: local.url,
    adminToken,
    local,
    dataDir,
    close: async () => {
      await local.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** A fresh tenant with one app pointing at `targetUrl`, and clients for its control key. */
export const newTenant = async (target: Target, targetUrl: string, app: Record<string, unknown> = {}) => {
  const operator = createPunctualClient({ baseUrl: target.baseUrl, adminToken: target.adminToken });
  const t = await operator.POST('/v1/tenants', { body: { name: `e2e-${randomBytes(3).toString('hex')}`, plan: 'unlimited' } });
  if (!t.data) throw new Error(`tenant creation failed: ${JSON.stringify(t.error)}`);
  const control: PunctualClient = createPunctualClient({ baseUrl: target.baseUrl, apiKey: t.data.controlKey.key });
  const a = await control.POST('/v1/apps', {
    body: { name: 'e2e', target: { type: 'http', url: targetUrl }, retryPolicy: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 }, ...app } as never,
  });
  if (!a.data) throw new Error(`app creation failed: ${JSON.stringify(a.error)}`);
  return { tenant: t.data, controlKey: t.data.controlKey.key, control, app: a.data };
};

/** Polls a message until it reaches `status` (bounded). */
export const waitForStatus = async (
  client: Awaited<ReturnType<typeof newTenant>>['control'],
  messageId: string,
  status: string,
  timeoutMs = 10_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await client.GET('/v1/messages/{messageId}', { params: { path: { messageId } } });
    if (data?.status === status) return data;
    if (Date.now() > deadline) throw new Error(`message ${messageId} is ${data?.status}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
