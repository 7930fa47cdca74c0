import type { RetryPolicy } from '../domain/retry';

/** Where an app's messages go. */
export interface HttpTarget {
  type: 'http';
  url: string;
  /** Extra request headers; values are secrets and are never returned after creation. */
  headers?: Record<string, string>;
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

export const AppStatus = { active: 'active', disabled: 'disabled' } as const;
export type AppStatus = (typeof AppStatus)[keyof typeof AppStatus];

/** A tenant's delivery target with its signing secret, retry policy and flow limits. */
export interface App {
  id: string;
  tenantId: string;
  name: string;
  description?: string;
  target: HttpTarget;
  retryPolicy: RetryPolicy;
  /** Most deliveries in flight at once to this app. */
  maxConcurrency: number;
  /**
   * `disabled`: its deliveries fail at once, without a request (set by the tenant, or by the engine after
   * days of failed deliveries, with `disabledAt` and `disabledReason`). @default 'active' (absent)
   */
  status?: AppStatus;
  /** When it was disabled. */
  disabledAt?: number;
  /** Why it was disabled, for humans. */
  disabledReason?: string;
  /** Current `whsec_` secret. */
  signingSecret: string;
  /** The secret before the last rotation, still signing alongside until `previousSecretExpiresAt`. */
  previousSecret?: string;
  previousSecretExpiresAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** @default per-attempt timeout of a webhook target */
export const defaultTimeoutMs = 10_000;
/** @default most concurrent deliveries to one app */
export const defaultMaxConcurrency = 64;
/** How long a rotated-out secret keeps signing. */
export const secretOverlapMs = 24 * 3_600_000;

/** Secrets that sign a delivery at `now`: the current one, plus the previous during its overlap. */
export const liveSecrets = (app: App, now: number): string[] =>
  app.previousSecret && (app.previousSecretExpiresAt ?? 0) > now ? [app.signingSecret, app.previousSecret] : [app.signingSecret];

/** The error of a delivery to a disabled app (no request is made). */
export const disabledAppError = (app: App): string =>
  `the app is disabled${app.disabledReason ? ` (${app.disabledReason})` : ''}; ` +
  'enable it with PATCH /v1/apps/{id} {"status":"active"}, then redrive its failed messages';
