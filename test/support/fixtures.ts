/**
 * Valid domain records for tests, one builder per record: each fills every required field with a
 * plain default and takes overrides, so a test names only what it is about. Tests only.
 */
import type { App } from '../../libs/apps/model';
import { newId } from '../../libs/domain/ids';
import { defaultRetryPolicy } from '../../libs/domain/retry';
import type { ApiKey, Principal } from '../../libs/keys/model';
import type { Message } from '../../libs/messages/model';
import type { Schedule } from '../../libs/schedules/model';
import type { Tenant } from '../../libs/tenancy/model';

/** The instant the builders date records at unless told otherwise: Monday 2026-06-01 12:00 UTC. */
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

/** A tenant on the free plan, created by the operator. */
export const aTenant = (over: Partial<Tenant> = {}): Tenant => ({
  id: newId('ten'),
  name: 'acme',
  plan: 'free',
  owner: 'operator',
  status: 'active',
  createdAt: T0,
  ...over,
});

/** An app of tenant `ten_a` with the default retry policy. */
export const anApp = (over: Partial<App> = {}): App => ({
  id: newId('app'),
  tenantId: 'ten_a',
  name: 'orders',
  target: { type: 'http', url: 'https://example.com/hook' },
  retryPolicy: defaultRetryPolicy,
  maxConcurrency: 10,
  signingSecret: 'whsec_dGVzdA==',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** A control key record of tenant `ten_a` on the free plan (the hash is random, so keys never collide). */
export const aKey = (over: Partial<ApiKey> = {}): ApiKey => ({
  id: newId('key'),
  tenantId: 'ten_a',
  name: 'ci',
  scope: 'control',
  plan: 'free',
  hash: newId('key').slice(4),
  createdAt: T0,
  ...over,
});

/** A message of app `app_a` (tenant `ten_a`), scheduled a minute after T0, never attempted. */
export const aMessage = (over: Partial<Message> = {}): Message => ({
  id: newId('msg'),
  tenantId: 'ten_a',
  appId: 'app_a',
  status: 'scheduled',
  sendAt: T0 + 60_000,
  payload: '{}',
  attemptCount: 0,
  attemptBase: 0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** `aMessage` with defaults of a test's own (its tenant, app, instant), for a file that builds many alike. */
export const messagesLike =
  (defaults: Partial<Message>) =>
  (over: Partial<Message> = {}): Message =>
    aMessage({ ...defaults, ...over });

/** An active `rate(5 minutes)` schedule of app `app_a` (tenant `ten_a`) in UTC, not yet run. */
export const aSchedule = (over: Partial<Schedule> = {}): Schedule => ({
  id: newId('sch'),
  tenantId: 'ten_a',
  appId: 'app_a',
  name: 's',
  expression: 'rate(5 minutes)',
  timezone: 'UTC',
  payload: '{}',
  misfireGraceSeconds: 300,
  state: 'active',
  runCount: 0,
  skipCount: 0,
  revision: 0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** The caller of a request made with a control key of a fresh tenant. */
export const controlKey = (over: Partial<Principal> = {}): Principal => ({
  tenantId: newId('ten'),
  keyId: newId('key'),
  scope: 'control',
  plan: 'free',
  ...over,
});

/** The caller of a request made with a data key of `p`'s tenant, bound to `appId`. */
export const dataKey = (p: Principal, appId: string): Principal => ({ ...p, keyId: newId('key'), scope: 'data', appId });
