/** The API's shapes as the console reads them (openapi.yaml is the contract; only the fields shown here are named). */

import type { DeliveryResult } from './result';

export type MessageStatus = 'scheduled' | 'delivering' | 'delivered' | 'failed' | 'aborted';
export const messageStatuses: MessageStatus[] = ['scheduled', 'delivering', 'delivered', 'failed', 'aborted'];

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long retries go on from when the message was due (older servers do not say). */
  maxAgeMs?: number;
}

/** An app's target as read back: the fields of its `type` (header values read as `"***"`). */
export interface Target {
  type: string;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  headerNames?: string[];
  timeoutMs?: number;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  from?: string;
  subject?: string;
  queueUrl?: string;
  messageGroupId?: string;
  topicArn?: string;
  messageAttributes?: Record<string, string>;
  eventBusArn?: string;
  source?: string;
  detailType?: string;
}

export interface App {
  id: string;
  name: string;
  description?: string;
  target: Target;
  retryPolicy: RetryPolicy;
  maxConcurrency: number;
  /** Later API versions: the apps a delivered or failed message is chained to. */
  onSuccess?: { appId: string };
  onFailure?: { appId: string };
  /** `disabled` by the tenant or by punctual after days of failures (older servers do not say: active). */
  status?: 'active' | 'disabled';
  disabledAt?: string;
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
  signingSecret?: string;
}

export interface Message {
  id: string;
  appId: string;
  scheduleId?: string;
  status: MessageStatus;
  sendAt: string;
  payload: unknown;
  headerNames?: string[];
  idempotencyKey?: string;
  attemptCount: number;
  nextAttemptAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  abortedAt?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  /** Later API versions: the delivery's result and chain links. */
  result?: DeliveryResult;
  chainOf?: string;
  chained?: string[];
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  /** `exhausted`: a retryable failure with no retry left (the attempts or the policy's max age ran out). */
  outcome: 'success' | 'retry' | 'permanent_failure' | 'exhausted';
  statusCode?: number;
  error?: string;
  responseBody?: string;
}

export interface Schedule {
  id: string;
  appId: string;
  name: string;
  expression: string;
  timezone: string;
  startAt?: string;
  endAt?: string;
  payload: unknown;
  misfireGraceSeconds: number;
  state: 'active' | 'paused' | 'completed';
  nextRunAt?: string;
  lastRunAt?: string;
  runCount: number;
  /** Occurrences not run because a limit refused them (the pending limit, a suspended tenant). */
  skipCount?: number;
  lastSkip?: { runAt: string; reason: string; skippedAt: string };
  createdAt: string;
  updatedAt: string;
  /** Later API versions: run statistics kept by the engine, where a run's overlap goes, and its chain links. */
  stats?: {
    runs?: number;
    succeeded?: number;
    failed?: number;
    skipped?: number;
    lastStatus?: string;
    lastRunAt?: string;
    lastDurationMs?: number;
    avgDurationMs?: number;
  };
  overlap?: 'allow' | 'skip';
  onSuccess?: { appId: string };
  onFailure?: { appId: string };
}

export interface ApiKey {
  id: string;
  name: string;
  scope: 'control' | 'data';
  appId?: string;
  plan: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
  key?: string;
}

export interface UsageCounters {
  requests: number;
  messagesScheduled: number;
  deliveries: number;
  attempts: number;
  failures: number;
}

export interface UsageRow extends UsageCounters {
  date: string;
  keyId: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A plan's limits as `GET /v1/tenants/me` reports them (when the server has that route); an absent one is no limit. */
export interface PlanLimits {
  throttle?: { rateLimit: number; burstLimit: number };
  quota?: { limit: number; period: string };
  maxPendingMessages?: number;
  maxKeys?: number;
  maxActiveSchedules?: number;
  deliveryShare?: number;
  attemptsPerMinute?: number;
  retentionDays?: number;
}

/** The signed-in tenant (`GET /v1/tenants/me`, control keys). */
export interface OwnTenant {
  id: string;
  name: string;
  plan: string;
  status: 'active' | 'suspended';
  limits: PlanLimits;
}
