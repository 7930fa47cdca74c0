import { randomBytes } from 'node:crypto';
import { createPunctualClient, type PunctualClient } from '../client/client';
import type { LocalRuntime } from '../../libs/runtime/local';
import { eventually } from '../../test/support/eventually';
import { startLocalServer } from '../../test/support/local-server';
import { patience } from './local-only';
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
    const control = createPunctualClient({ baseUrl, apiKey: key });
    try {
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await control.GET('/v1/apps', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } });
        if (!page.data) throw new Error(`listing apps: ${page.response.status}`);
        for (const app of page.data.items) await control.DELETE('/v1/apps/{appId}', { params: { path: { appId: app.id } } });
        cursor = page.data.nextCursor;
      }
      const keys = await control.GET('/v1/keys', { params: { query: { limit: 100 } } });
      for (const k of keys.data?.items ?? [])
        if (!k.revokedAt && k.id !== id) await control.DELETE('/v1/keys/{keyId}', { params: { path: { keyId: k.id } } });
      await control.DELETE('/v1/keys/{keyId}', { params: { path: { keyId: id } } });
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

/** A fresh tenant with one app pointing at `targetUrl`, and clients for its control key. */
export const newTenant = async (target: Target, targetUrl: string, app: Record<string, unknown> = {}) => {
  const operator = createPunctualClient({ baseUrl: target.baseUrl, adminToken: target.adminToken });
  const t = await operator.POST('/v1/tenants', { body: { name: `e2e-${randomBytes(3).toString('hex')}`, plan: 'unlimited' } });
  if (!t.data) throw new Error(`tenant creation failed: ${t.response.status} ${JSON.stringify(t.error)}`);
  stageTenants.get(target)?.push({ id: t.data.controlKey.id, key: t.data.controlKey.key });
  const control: PunctualClient = createPunctualClient({ baseUrl: target.baseUrl, apiKey: t.data.controlKey.key });
  const a = await control.POST('/v1/apps', {
    body: {
      name: 'e2e',
      target: { type: 'http', url: targetUrl },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
      ...app,
    } as never,
  });
  if (!a.data) throw new Error(`app creation failed: ${JSON.stringify(a.error)}`);
  return { tenant: t.data, controlKey: t.data.controlKey.key, control, app: a.data };
};

/** Polls a message until it reaches `status` (bounded; stretched against a stage, and polled gently there). */
export const waitForStatus = async (
  client: Awaited<ReturnType<typeof newTenant>>['control'],
  messageId: string,
  status: string,
  timeout = 10_000,
) => {
  const timeoutMs = patience(timeout);
  let seen: string | undefined;
  return eventually(
    async () => {
      const { data } = await client.GET('/v1/messages/{messageId}', { params: { path: { messageId } } });
      seen = data?.status;
      return data?.status === status ? data : undefined;
    },
    {
      timeoutMs,
      intervalMs: isStageRun() ? 500 : 25,
      failure: () => `message ${messageId} is ${seen}, not ${status}, after ${timeoutMs} ms`,
    },
  );
};
