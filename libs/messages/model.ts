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
  /** The app to chain to when it is delivered (over its schedule's and app's). */
  onSuccess?: ChainLink;
  /** The app to chain to when it fails (over its schedule's and app's). */
  onFailure?: ChainLink;
  /** The message whose outcome created this one (a chained message). */
  chainOf?: string;
  /** Links from the chain's first message: 0 (absent) for an ordinary message, 1 for its chained message, … */
  chainDepth?: number;
  /** The messages its outcomes created (one per final outcome; a redriven message may add another). */
  chained?: string[];
  /** Why a chain from it was not created (too deep, refused by a limit). */
  chainCut?: string;
  /** The final attempt's answer, once it is delivered or failed. */
  result?: MessageResult;
  createdAt: number;
  updatedAt: number;
}

/** Where a message's outcome is chained to: an app of the same tenant. */
export interface ChainLink {
  appId: string;
}

/**
 * What the target answered to a message's final attempt. HTTP: its status, headers (the safe ones, `safeResultHeaders`)
 * and body; email, SQS, SNS, EventBridge: the provider's reply code or HTTP status and a JSON body whose `messageId` is
 * the provider's message id. `error` says why an attempt without an answer failed.
 */
export interface MessageResult {
  /** The HTTP status (SMTP reply code for SMTP email); absent when no answer came. */
  status?: number;
  durationMs: number;
  headers?: Record<string, string>;
  /** The body's first `maxResultBodyBytes`, as text (`utf8`) or base64 (bytes that are not UTF-8). */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  /** The body was longer than `maxResultBodyBytes` and was cut. */
  bodyTruncated?: boolean;
  error?: string;
}

/** What a result may take in a listing's response (its JSON escaped again by a Lambda proxy answer: twice, as payloads). */
export const resultBytesOf = (r: MessageResult | undefined): number => (r ? 2 * Buffer.byteLength(JSON.stringify(r)) : 0);

/** Most bytes of a final answer's body kept as the message's result. */
export const maxResultBodyBytes = 64 * 1024;
/** Longest chain: a message at this depth that would chain again is cut (recorded on it as `chainCut`). */
export const maxChainDepth = 5;

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
