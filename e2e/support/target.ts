import { randomBytes } from 'node:crypto';
import type { AppCreateParams, MessageStatus, Punctual } from '@punctual/sdk';
import type { LocalRuntime } from '../../libs/runtime/local';
import { eventually } from '../../test/support/eventually';
import { startLocalServer } from '../../test/support/local-server';
import { patience } from './local-only';
import { sdkClient } from './sdk';
import { isStageRun, stageFromEnv } from './stage-env';

/**
 * The service under test: a local server started here, or a deployed stage (PUNCTUAL_E2E_BASE_URL and
 * the rest of e2e/support/stage-env.ts; `npm run e2e:stage` checks them first).
 */
export interface Target {
  baseUrl: string;
  /** The operator credential for `POST /v1/tenants`: the admin token, or on AWS a Cognito ID token. */
  adminToken: string;
  /** True against a deployed stage. */
  remote: boolean;
  /** The in-process runtime when local. */
  local?: LocalRuntime;
  dataDir?: string;
  close(): Promise<void>;
}

/** Control keys of the tenants `newTenant` made on a stage, for `close` to clean up after. */
const stageTenants = new WeakMap<Target, { id: string; key: string }[]>();

/**
 * Leaves nothing of a run active on a stage: deletes every app of each tenant made (which aborts its
 * pending messages and stops its schedules, so no delivery chases a tunnel that is gone) and revokes its
 * keys, the control key last. Best effort: a failure is reported, never thrown, so it cannot hide a test's.
 */
const cleanUp = async (baseUrl: string, tenants: { id: string; key: string }[]): Promise<void> => {
  const failures: string[] = [];
  for (const { id, key } of tenants) {
    const control = sdkClient(baseUrl, { apiKey: key });
    try {
      // Listed first, deleted after: deleting while paging would move the cursor's ground.
      const apps: string[] = [];
      for await (const app of control.apps.list({ limit: 100 })) apps.push(app.id);
      for (const appId of apps) await control.apps.delete(appId);
      const keys: string[] = [];
      for await (const k of control.keys.list({ limit: 100 })) if (!k.revokedAt && k.id !== id) keys.push(k.id);
      for (const keyId of keys) await control.keys.revoke(keyId);
      await control.keys.revoke(id);
    } catch (err) {
      failures.push(`tenant key ${id}: ${(err as Error).message}`);
    }
  }
  if (failures.length) console.warn(`e2e clean-up on the stage left some tenants active:\n${failures.join('\n')}`);
};

export const startTarget = async (env: Record<string, string> = {}): Promise<Target> => {
  const stage = stageFromEnv();
  if (stage) {
    if (Object.keys(env).length) {
      throw new Error(
        `this suite configures the local server (${Object.keys(env).join(', ')}), which a deployed stage does not have: ` +
          'declare it with describeLocal(reason) from e2e/support/local-only',
      );
    }
    const target: Target = {
      baseUrl: stage.baseUrl,
      adminToken: stage.operatorToken,
      remote: true,
      close: () => cleanUp(stage.baseUrl, stageTenants.get(target) ?? []),
    };
    stageTenants.set(target, []);
    return target;
  }
  const server = await startLocalServer('punctual-e2e', env);
  return {
    baseUrl: server.url,
    adminToken: server.adminToken,
    remote: false,
    local: server.runtime,
    dataDir: server.dataDir,
    close: server.close,
  };
};

/** The operator's client of the target (the admin token, or on a stage the Cognito ID token). */
export const operatorOf = (target: Target): Punctual => sdkClient(target.baseUrl, { adminToken: target.adminToken });

/** A client of the target with `apiKey` (or none). */
export const clientOf = (target: Target, apiKey?: string): Punctual => sdkClient(target.baseUrl, apiKey === undefined ? {} : { apiKey });

/** A fresh tenant with one app pointing at `targetUrl`, and a client for its control key. */
export const newTenant = async (target: Target, targetUrl: string, app: Partial<AppCreateParams> = {}) => {
  const tenant = await operatorOf(target).tenants.create({ name: `e2e-${randomBytes(3).toString('hex')}`, plan: 'unlimited' });
  stageTenants.get(target)?.push({ id: tenant.controlKey.id, key: tenant.controlKey.key });
  const control = clientOf(target, tenant.controlKey.key);
  const created = await control.apps.create({
    name: 'e2e',
    target: { type: 'http', url: targetUrl },
    retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    ...app,
  });
  return { tenant, controlKey: tenant.controlKey.key, control, app: created };
};

/** Polls a message until it reaches `status` (bounded; stretched against a stage, and polled gently there). */
export const waitForStatus = async (client: Punctual, messageId: string, status: MessageStatus, timeout = 10_000) => {
  const timeoutMs = patience(timeout);
  let seen: string | undefined;
  return eventually(
    async () => {
      const m = await client.messages.get(messageId);
      seen = m.status;
      return m.status === status ? m : undefined;
    },
    {
      timeoutMs,
      intervalMs: isStageRun() ? 500 : 25,
      failure: () => `message ${messageId} is ${seen}, not ${status}, after ${timeoutMs} ms`,
    },
  );
};
