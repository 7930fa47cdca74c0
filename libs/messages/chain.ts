import type { App } from '../apps/model';
import { newId } from '../domain/ids';
import type { DeliveryOutcome } from './outcome';
import { maxChainDepth, type ChainLink, type Message, type MessageResult } from './model';
import type { AttemptResult } from './port';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body of a result: text when the bytes are UTF-8, base64 otherwise. */
const bodyOf = (bytes: Buffer): Pick<MessageResult, 'body' | 'bodyEncoding'> => {
  try {
    return { body: utf8.decode(bytes), bodyEncoding: 'utf8' };
  } catch {
    return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  }
};

/**
 * A message's result from its final attempt's outcome: an HTTP target's status, safe headers and body as read (up to
 * `maxResultBodyBytes`); the other targets' reply (status and the JSON of the provider's message id) as the body.
 */
export const resultOf = (outcome: DeliveryOutcome, durationMs: number): MessageResult => {
  const r: MessageResult = { durationMs };
  if (outcome.statusCode !== undefined) r.status = outcome.statusCode;
  const response = outcome.response;
  if (response?.headers) r.headers = response.headers;
  if (response?.body) Object.assign(r, bodyOf(response.body));
  else if (!response && outcome.responseBody !== undefined) Object.assign(r, { body: outcome.responseBody, bodyEncoding: 'utf8' });
  if (response?.truncated) r.bodyTruncated = true;
  if (outcome.kind !== 'success' && outcome.error !== undefined) r.error = outcome.error;
  return r;
};

/**
 * The idempotency key of the message chained from `sourceId`'s final outcome in the retry budget that began at attempt
 * `attemptBase` (0, or where the last redrive began): a replay of that outcome (after a crash, or a redelivery of the
 * same attempt) finds the message instead of creating another, and a redrive's outcome chains anew.
 */
export const chainIdempotencyKey = (sourceId: string, attemptBase: number): string => `punctual-chain:${sourceId}:${attemptBase}`;

/** Where a final outcome chains to: the message's own link (a schedule's runs carry the schedule's), else its app's. */
export const chainLinkOf = (
  m: Message,
  app: Pick<App, 'onSuccess' | 'onFailure'> | undefined,
  delivered: boolean,
): ChainLink | undefined => (delivered ? (m.onSuccess ?? app?.onSuccess) : (m.onFailure ?? app?.onFailure));

/**
 * The chain a final attempt result asks for: the chained message (due now, metered against the source's key) with the
 * payload `{type, messageId, appId, scheduleId?, attempts, result}`, or why it is cut (deeper than `maxChainDepth`).
 * Pure but for the new message's id; the store creates it with the outcome.
 */
export const chainOf = (
  m: Message,
  app: Pick<App, 'onSuccess' | 'onFailure'> | undefined,
  r: AttemptResult,
  now: number,
): Pick<AttemptResult, 'chain' | 'chainCut'> => {
  if (r.status === 'scheduled') return {};
  const delivered = r.status === 'delivered';
  const link = chainLinkOf(m, app, delivered);
  if (!link) return {};
  const depth = (m.chainDepth ?? 0) + 1;
  if (depth > maxChainDepth) return { chainCut: `not chained to app ${link.appId}: a chain is at most ${maxChainDepth} messages deep` };
  const payload = JSON.stringify({
    type: delivered ? 'message.delivered' : 'message.failed',
    messageId: m.id,
    appId: m.appId,
    ...(m.scheduleId !== undefined ? { scheduleId: m.scheduleId } : {}),
    attempts: r.attempt.attempt,
    result: r.result,
  });
  return {
    chain: {
      id: newId('msg', { tenantId: m.tenantId }),
      tenantId: m.tenantId,
      appId: link.appId,
      ...(m.keyId !== undefined ? { keyId: m.keyId } : {}),
      status: 'scheduled',
      sendAt: now,
      dueAt: now,
      payload,
      idempotencyKey: chainIdempotencyKey(m.id, m.attemptBase),
      chainOf: m.id,
      chainDepth: depth,
      attemptCount: 0,
      attemptBase: 0,
      createdAt: now,
      updatedAt: now,
    },
  };
};

/** The email text of a chained message's payload: its result's body, decoded; undefined for any other payload. */
export const chainedText = (payload: string): string | undefined => {
  let p: unknown;
  try {
    p = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const result = (p as { result?: MessageResult } | null)?.result;
  if (typeof result !== 'object' || result === null) return undefined;
  if (result.body === undefined) return result.error ?? '';
  return result.bodyEncoding === 'base64' ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
};
