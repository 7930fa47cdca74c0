import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { newId } from '../domain/ids';
import type { Page, PageRequest } from '../domain/page';
import { defaultRetryPolicy, mergeRetryPolicy } from '../domain/retry';
import { requireControl } from '../keys/access';
import type { Principal } from '../keys/model';
import type { MessageStore } from '../messages/port';
import type { SecretBox } from '../secrets/port';
import { mergeChainLinks, requireChainApps } from './chain-links';
import { AppNotFoundError } from './errors';
import { defaultMaxConcurrency, secretOverlapMs, type App, type Target } from './model';
import type { AppStore } from './port';
import type { AppCreateInput, AppUpdateInput } from './schemas';
import { sealApp, sealSecret, sealTarget } from './secrets';

export interface AppServiceDeps {
  apps: AppStore;
  messages: MessageStore;
  clock: Clock;
  /**
   * Refuses a target this runtime will not send to: a ValidationError (e.g. the SSRF policy refuses its URL)
   * or a TargetUnavailableError (a setting it needs is missing, or the operator does not allow it).
   */
  checkTarget: (target: Target) => void;
  /** Seals the app's secrets before they are stored (libs/apps/secrets.ts). */
  secrets: SecretBox;
  /** Called when an app is deleted, to stop its schedules. */
  onDeleted?: (tenantId: string, appId: string) => Promise<void>;
}

/** A new `whsec_` signing secret (Standard Webhooks: base64 of 32 random bytes). */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Apps: their targets and secrets. Secrets are sealed before they are stored; what this service reads
 * and returns is sealed too, except the signing secret it has just made (create, rotate), shown once.
 */
export class AppService {
  constructor(private readonly deps: AppServiceDeps) {}

  /** A new app; the answer carries its signing secret and header values in clear (the store has them sealed). */
  async create(p: Principal, input: AppCreateInput): Promise<App> {
    requireControl(p);
    this.deps.checkTarget(input.target);
    await requireChainApps(this.deps.apps, p.tenantId, input);
    const now = this.deps.clock.now();
    const app: App = {
      id: newId('app', { tenantId: p.tenantId }),
      tenantId: p.tenantId,
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      target: input.target,
      retryPolicy: mergeRetryPolicy(defaultRetryPolicy, input.retryPolicy),
      maxConcurrency: input.maxConcurrency ?? defaultMaxConcurrency,
      ...(input.onSuccess ? { onSuccess: input.onSuccess } : {}),
      ...(input.onFailure ? { onFailure: input.onFailure } : {}),
      signingSecret: newSigningSecret(),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.apps.create(await sealApp(this.deps.secrets, app));
    return app;
  }

  async list(p: Principal, page: PageRequest): Promise<Page<App>> {
    requireControl(p);
    return this.deps.apps.list(p.tenantId, page);
  }

  /** The tenant's app (secrets sealed) or AppNotFoundError (also for another tenant's id). */
  async get(p: Principal, appId: string): Promise<App> {
    const app = await this.deps.apps.get(p.tenantId, appId);
    if (!app) throw new AppNotFoundError(appId);
    return app;
  }

  async update(p: Principal, appId: string, input: AppUpdateInput): Promise<App> {
    requireControl(p);
    const app = await this.get(p, appId);
    if (input.target) this.deps.checkTarget(input.target);
    await requireChainApps(this.deps.apps, p.tenantId, input);
    const now = this.deps.clock.now();
    const { status, onSuccess, onFailure, ...fields } = input;
    // A given target replaces the whole target, its header values sealed as they come; `sealApp` then seals what a
    // record stored before encryption still holds in clear (AWS has no start-up migration), and leaves the rest.
    const updated = await sealApp(this.deps.secrets, {
      ...mergeChainLinks(app, { onSuccess, onFailure }),
      ...fields,
      target: input.target ? await sealTarget(this.deps.secrets, app, input.target) : app.target,
      retryPolicy: mergeRetryPolicy(app.retryPolicy, input.retryPolicy),
      maxConcurrency: input.maxConcurrency ?? app.maxConcurrency,
      updatedAt: now,
    } as App);
    if (status === 'active') {
      delete updated.status;
      delete updated.disabledAt;
      delete updated.disabledReason;
    } else if (status === 'disabled' && app.status !== 'disabled') {
      Object.assign(updated, { status, disabledAt: now, disabledReason: 'disabled by the tenant' });
    }
    await this.deps.apps.update(updated);
    return updated;
  }

  /** Deletes the app, aborting its pending messages and stopping its schedules; returns how many messages it aborted. */
  async delete(p: Principal, appId: string): Promise<{ abortedMessages: number }> {
    requireControl(p);
    await this.get(p, appId);
    const abortedMessages = await this.deps.messages.abortAllForApp(p.tenantId, appId, this.deps.clock.now());
    await this.deps.onDeleted?.(p.tenantId, appId);
    await this.deps.apps.delete(p.tenantId, appId);
    return { abortedMessages };
  }

  /**
   * New signing secret; the previous one keeps signing alongside for 24 h. The answer carries the new
   * secret in clear (shown once); the previous one stays sealed.
   */
  async rotateSecret(p: Principal, appId: string): Promise<App> {
    requireControl(p);
    const app = await this.get(p, appId);
    const now = this.deps.clock.now();
    const secret = newSigningSecret();
    const rotated = await sealApp(this.deps.secrets, {
      ...app,
      signingSecret: await sealSecret(this.deps.secrets, app, secret),
      previousSecret: app.signingSecret,
      previousSecretExpiresAt: now + secretOverlapMs,
      updatedAt: now,
    });
    await this.deps.apps.update(rotated);
    return { ...rotated, signingSecret: secret };
  }
}
