import type { App } from '../apps/model';
import { disabledAppError, liveSecrets } from '../apps/model';
import type { DeliveryOutcome } from '../messages/outcome';
import type { DeliveryRequest } from '../delivery/targets/request';
import { defaultRetryPolicy, mergeRetryPolicy } from '../domain/retry';
import { chainOf, resultOf } from '../messages/chain';
import { attemptResult, slowRetry } from '../messages/lifecycle';
import type { Message } from '../messages/model';
import type { AttemptResult } from '../messages/port';
import type { Logger } from '../observability/logger';
import type { CircuitBreaker } from './breaker';

/**
 * Delivers one request to its target, stopping early when `signal` aborts; both runtimes pass `libs/delivery/targets`'
 * router (webhook, email, SQS, SNS, EventBridge).
 */
export type Deliver = (req: DeliveryRequest, signal?: AbortSignal) => Promise<DeliveryOutcome>;

/** The delivery request of a claimed message's next attempt. */
export const deliveryRequest = (m: Message, app: App, now: number): DeliveryRequest => ({
  tenantId: m.tenantId,
  messageId: m.id,
  attempt: m.attemptCount + 1,
  scheduledAt: m.sendAt,
  ...(m.scheduleId ? { scheduleId: m.scheduleId } : {}),
  ...(m.chainOf ? { chainOf: m.chainOf } : {}),
  payload: m.payload,
  target: app.target,
  ...(m.headers ? { headers: m.headers } : {}),
  secrets: liveSecrets(app, now),
});

/** What an attempt may also use. */
export interface AttemptOptions {
  /** Records the outcome per app, and makes the retries of an app whose breaker is open wait longer. */
  breaker?: CircuitBreaker;
  /** Stops the request early (its outcome is then a retry). */
  signal?: AbortSignal;
  /** The shortest delay before a retry, asked once the attempt has ended (0: the policy's own). */
  minRetryDelayMs?: () => number;
}

/**
 * One delivery attempt of a claimed message, shared by the embedded engine and the AWS deliver
 * function: deliver (a deleted or disabled app is a permanent failure, with no request; a thrown error
 * is retryable), then the attempt record and the state it leads to under the app's and message's retry
 * policy, and the app's circuit breaker. Never throws.
 */
export const runAttempt = async (
  m: Message,
  app: App | undefined,
  deliver: Deliver,
  now: () => number,
  options: AttemptOptions = {},
): Promise<AttemptResult> => {
  const startedAt = now();
  let outcome: DeliveryOutcome;
  if (!app) outcome = { kind: 'permanent', error: 'the app was deleted', durationMs: 0 };
  else if (app.status === 'disabled') outcome = { kind: 'permanent', error: disabledAppError(app), durationMs: 0 };
  else {
    try {
      outcome = await deliver(deliveryRequest(m, app, startedAt), options.signal);
    } catch (err) {
      outcome = { kind: 'retry', error: `delivery error: ${(err as Error).message}`, durationMs: now() - startedAt };
    }
    options.breaker?.record(app, outcome, now());
  }
  const policy = mergeRetryPolicy(app?.retryPolicy ?? defaultRetryPolicy, m.retryPolicy);
  const ended = now();
  const result = attemptResult(m, policy, outcome, startedAt, ended);
  const slower = Math.max(app && options.breaker ? options.breaker.retryDelayMs(app.id, ended) : 0, options.minRetryDelayMs?.() ?? 0);
  return finalParts(m, app, slower > 0 ? slowRetry(result, m, policy, slower, ended) : result, outcome, ended);
};

/** A final result's parts beyond its attempt: the message's result, its chain (or why it is cut), its schedule. */
const finalParts = (m: Message, app: App | undefined, r: AttemptResult, outcome: DeliveryOutcome, now: number): AttemptResult => {
  if (r.status === 'scheduled') return r;
  r.result = resultOf(outcome, r.attempt.durationMs);
  if (m.scheduleId !== undefined) r.scheduleId = m.scheduleId;
  return Object.assign(r, chainOf(m, app, r, now));
};

/** The log line of a recorded attempt (no payload, no headers, no secrets). */
export const logAttempt = (logger: Logger, m: Message, r: AttemptResult): void =>
  logger.info('delivery attempt', {
    tenantId: m.tenantId,
    appId: m.appId,
    messageId: m.id,
    attempt: r.attempt.attempt,
    outcome: r.attempt.outcome,
    statusCode: r.attempt.statusCode,
    durationMs: r.attempt.durationMs,
    status: r.status,
    error: r.attempt.error,
  });
