import type { RetryPolicy } from '../domain/retry';

export const MessageStatus = {
  scheduled: 'scheduled',
  delivering: 'delivering',
  delivered: 'delivered',
  failed: 'failed',
  aborted: 'aborted',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** One point-in-time delivery. */
export interface Message {
  id: string;
  tenantId: string;
  appId: string;
  scheduleId?: string;
  /** The key that created it (metering counts against it). */
  keyId?: string;
  status: MessageStatus;
  /** When the client asked for it to be delivered. */
  sendAt: number;
  /** When the engine should next try it (sendAt, or the next retry); set only while `scheduled`. */
  dueAt?: number;
  /** The payload as serialized JSON text (kept as text so it is parsed and stringified once). */
  payload: string;
  headers?: Record<string, string>;
  /** Per-message override, merged over the app's policy. */
  retryPolicy?: Partial<RetryPolicy>;
  idempotencyKey?: string;
  /** Attempts made so far, over the message's whole life. */
  attemptCount: number;
  /** `attemptCount` when the current retry budget started (0, or the count at the last redrive). */
  attemptBase: number;
  deliveredAt?: number;
  failedAt?: number;
  abortedAt?: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * How an attempt ended: `success`; `retry` (failed, another attempt follows); `permanent_failure` (failed
 * in a way retrying cannot help, the message failed); `exhausted` (failed in a retryable way, but the
 * retry budget, window or lifetime cap was used up: the message failed).
 */
export const AttemptOutcome = {
  success: 'success',
  retry: 'retry',
  permanentFailure: 'permanent_failure',
  exhausted: 'exhausted',
} as const;
export type AttemptOutcome = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

/** One try to deliver a message. */
export interface Attempt {
  messageId: string;
  tenantId: string;
  /** 1-based attempt number. */
  attempt: number;
  startedAt: number;
  durationMs: number;
  outcome: AttemptOutcome;
  statusCode?: number;
  error?: string;
  /** The start of the response body, as text: its first `PUNCTUAL_RESPONSE_EXCERPT_BYTES` (4 KiB by default). */
  responseBody?: string;
}

/** How long an idempotency key is remembered. */
export const idempotencyWindowMs = 24 * 3_600_000;
/** Largest serialized payload accepted. */
export const maxPayloadBytes = 256 * 1024;
/** Most messages in one batch call. */
export const maxBatchSize = 100;
