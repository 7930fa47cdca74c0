import { iso } from '../domain/clock';
import { RawJson } from '../domain/raw-json';
import type { Attempt, Message } from './model';

/** `iso(ms)` remembering its last answer: messages of a burst share their send instant, and a new message's times are equal. */
const memoIso = () => {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms: number): string => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = iso(ms);
    }
    return lastIso;
  };
};
const isoOfSend = memoIso();
const isoOf = memoIso();

/** The message as the API shows it. */
export const toMessageDto = (m: Message) => ({
  id: m.id,
  appId: m.appId,
  ...(m.scheduleId ? { scheduleId: m.scheduleId } : {}),
  status: m.status,
  sendAt: isoOfSend(m.sendAt),
  // Written into the answer as stored: the client's own text, byte for byte.
  payload: new RawJson(m.payload),
  ...(m.headers ? { headerNames: Object.keys(m.headers) } : {}),
  ...(m.idempotencyKey !== undefined ? { idempotencyKey: m.idempotencyKey } : {}),
  ...(m.retryPolicy ? { retryPolicy: m.retryPolicy } : {}),
  attemptCount: m.attemptCount,
  ...(m.status === 'scheduled' && m.dueAt !== undefined ? { nextAttemptAt: isoOfSend(m.dueAt) } : {}),
  ...(m.deliveredAt !== undefined ? { deliveredAt: iso(m.deliveredAt) } : {}),
  ...(m.failedAt !== undefined ? { failedAt: iso(m.failedAt) } : {}),
  ...(m.abortedAt !== undefined ? { abortedAt: iso(m.abortedAt) } : {}),
  ...(m.lastError !== undefined ? { lastError: m.lastError } : {}),
  ...(m.onSuccess ? { onSuccess: m.onSuccess } : {}),
  ...(m.onFailure ? { onFailure: m.onFailure } : {}),
  ...(m.chainOf !== undefined ? { chainOf: m.chainOf } : {}),
  ...(m.chained ? { chained: m.chained } : {}),
  ...(m.chainCut !== undefined ? { chainCut: m.chainCut } : {}),
  createdAt: isoOf(m.createdAt),
  updatedAt: isoOf(m.updatedAt),
});

/** The message with its `result` (up to 64 KiB of body): one message's read, or a listing that asks for results. */
export const toMessageDetailDto = (m: Message) => {
  const dto = toMessageDto(m);
  return m.result ? { ...dto, result: m.result } : dto;
};

/** A listing's items: lean (no results) unless `include=result` asked for them. */
export const toMessageItems = (items: Message[], include?: 'result') =>
  include === 'result' ? items.map(toMessageDetailDto) : items.map((m) => toMessageDto(m));

export const toAttemptDto = (a: Attempt) => ({
  attempt: a.attempt,
  startedAt: iso(a.startedAt),
  durationMs: a.durationMs,
  outcome: a.outcome,
  ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
  ...(a.error !== undefined ? { error: a.error } : {}),
  ...(a.responseBody !== undefined ? { responseBody: a.responseBody } : {}),
});
