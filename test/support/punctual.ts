import { randomBytes } from 'node:crypto';
import { type AppCreateParams, type AppWithSecret, type Message, type MessageStatus, Punctual } from '@punctual/sdk';
import type { LocalRuntime } from '../../libs/runtime/local';
import { eventually } from './eventually';
import { startLocalServer } from './local-server';

/** An embedded punctual on a random loopback port with a throw-away data directory, for the SDK's and the examples' tests. */
export interface LocalPunctual {
  baseUrl: string;
  adminToken: string;
  /** A client with the admin token, for `tenants.create`. */
  operator: Punctual;
  runtime: LocalRuntime;
  close(): Promise<void>;
}

export const startPunctual = async (env: Record<string, string> = {}): Promise<LocalPunctual> => {
  const { url, adminToken, runtime, close } = await startLocalServer('punctual-sdk', env);
  return { baseUrl: url, adminToken, operator: new Punctual({ baseUrl: url, adminToken }), runtime, close };
};

/** A fresh tenant on the unlimited plan, a client for its control key and, given a target URL, one app with quick retries. */
export const newTenant = async (server: LocalPunctual, app?: { url: string } & Partial<AppCreateParams>) => {
  const tenant = await server.operator.tenants.create({ name: `sdk-${randomBytes(3).toString('hex')}`, plan: 'unlimited' });
  const control = new Punctual({ baseUrl: server.baseUrl, apiKey: tenant.controlKey.key });
  let created: AppWithSecret | undefined;
  if (app) {
    const { url, ...rest } = app;
    created = await control.apps.create({
      name: 'sdk',
      target: { type: 'http', url },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
      ...rest,
    });
  }
  return { tenant, controlKey: tenant.controlKey.key, control, app: created };
};

/** Polls a message until it reaches `status` (bounded). */
export const waitForStatus = async (client: Punctual, messageId: string, status: MessageStatus, timeoutMs = 10_000): Promise<Message> => {
  let seen: Message | undefined;
  return eventually(
    async () => {
      seen = await client.messages.get(messageId);
      return seen.status === status ? seen : undefined;
    },
    { timeoutMs, intervalMs: 25, failure: () => `message ${messageId} is ${seen?.status}, not ${status}, after ${timeoutMs} ms` },
  );
};
