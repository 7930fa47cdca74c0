import type { Attempt, AttemptOutcome, Message, MessageStatus } from '../../messages/model';
import type { UpdateBuilder } from './expression';
import { pack, packText, unpack, unpackText } from './packing';
import { Attr, Collections, idOf, Keys, Shards } from './schema';
import { type Item, prune } from './table';

/** What the message items need to know about the table. */
export interface MessageTableOptions {
  /** Partitions of the due index. */
  shards: number;
  /**
   * How long a tenant's finished messages and their attempts are kept (its plan's `retentionDays`): set as
   * their TTL when they are written, so DynamoDB deletes them (up to a few days late). Undefined keeps them.
   */
  retentionMs?: (tenantId: string) => Promise<number>;
  /**
   * When set, a scheduled message gets a due-index entry only when it is due more than this long after the write: nearer
   * ones reach the engine through the table stream alone (the AWS runtime: SQS's longest delay). Unset, every scheduled
   * message has one, and `due()` sees them all (the store contract).
   */
  dueEntryBeyondMs?: number;
}

/** Whether a scheduled message due at `dueAt`, written at `now`, gets a due-index entry (`dueEntryBeyondMs`). */
export const hasDueEntry = (dueAt: number | undefined, now: number, o: MessageTableOptions): boolean =>
  o.dueEntryBeyondMs === undefined || (dueAt !== undefined && dueAt - now > o.dueEntryBeyondMs);

/** Statuses a message finishes in (its TTL is set when it reaches one). */
export const finishedStatuses: ReadonlySet<MessageStatus> = new Set(['delivered', 'failed', 'aborted']);

/** The TTL attribute's value (epoch seconds) of an item to delete `keepMs` after `fromMs`. */
export const ttlAt = (fromMs: number, keepMs: number): number => Math.ceil((fromMs + keepMs) / 1000);

/**
 * What a message item stores under each field's name. The fields that writes change or conditions read are plain
 * attributes, with short names (every write pays for the item's bytes); `status` and `dueAt` keep theirs, since the
 * due index, the schedules' items and the stack's stream filters name them too. The tenant is stored once, in the
 * `byTenant` partition (`G2`, see `ownedBy`). The fields that never change after create are one packed attribute,
 * `content`; `result`, written once, is packed too.
 */
export const MessageAttr = {
  status: 'status',
  dueAt: Attr.dueAt,
  sendAt: 'sa',
  attemptCount: 'n',
  attemptBase: 'nb',
  deliveredAt: 'da',
  failedAt: 'fa',
  abortedAt: 'aa',
  lastError: 'e',
  chained: 'ch',
  chainCut: 'cc',
  result: 'r',
  updatedAt: 'u',
  content: 'c',
  /** A map from attempt number to the packed attempt (`inItemAttempt`), created empty with the item. */
  attempts: 'a',
} as const;

/** The fields besides the payload that never change after create, packed together with it as `content`. */
const contentFields = [
  'keyId',
  'headers',
  'retryPolicy',
  'idempotencyKey',
  'onSuccess',
  'onFailure',
  'chainOf',
  'chainDepth',
  'createdAt',
] as const satisfies readonly (keyof Message)[];

/** The plain attributes, by field (`id` is the key's, `content` and `result` are packed). */
const plainFields = [
  'status',
  'dueAt',
  'sendAt',
  'attemptCount',
  'attemptBase',
  'deliveredAt',
  'failedAt',
  'abortedAt',
  'lastError',
  'chained',
  'chainCut',
  'updatedAt',
] as const satisfies readonly (keyof Message & keyof typeof MessageAttr)[];

/**
 * `content`: the fields that never change as one line of JSON, then the payload's own text, which is JSON already
 * (escaping it into a JSON string would add a backslash before each of its quotes).
 */
const packContent = (m: Message): Uint8Array =>
  packText(`${JSON.stringify(Object.fromEntries(contentFields.map((f) => [f, m[f]])))}\n${m.payload}`);

const unpackContent = (value: unknown): Partial<Message> => {
  const text = unpackText(value);
  const end = text.indexOf('\n');
  return { ...(JSON.parse(text.slice(0, end)) as Partial<Message>), payload: text.slice(end + 1) };
};

/** The tenant of a message item, or of its due-index entry (which projects `G2` for it). */
export const tenantOf = (item: Item): string => Collections.tenantOfMessages(item[Attr.gsi2pk] as string);

/** Whether a message item is the tenant's. */
export const ownedBy = (item: Item, tenantId: string): boolean => item[Attr.gsi2pk] === Collections.tenantMessages(tenantId);

/** The condition that the message item is the tenant's. */
export const ownedByCondition = (u: UpdateBuilder, tenantId: string): string =>
  `${u.name(Attr.gsi2pk)} = ${u.value(Collections.tenantMessages(tenantId))}`;

/** The counters of the plain fields. */
const counters: ReadonlySet<string> = new Set(['attemptCount', 'attemptBase']);

/** Whether an item is a message item (not its attempts, nor any other item type). */
export const isMessageItem = (item: Item): boolean => {
  const pk = item[Attr.pk];
  if (typeof pk !== 'string') return false;
  const key = Keys.message(idOf(pk));
  return pk === key.PK && item[Attr.sk] === key.SK;
};

/** Where a message item stands on the due timeline, read from its plain attributes: nothing packed is opened. */
export const timelineOf = (item: Item): { id: string; tenantId: string; status: MessageStatus; dueAt?: number } => ({
  id: idOf(item[Attr.pk] as string),
  tenantId: tenantOf(item),
  status: item[MessageAttr.status] as MessageStatus,
  ...(typeof item[MessageAttr.dueAt] === 'number' ? { dueAt: item[MessageAttr.dueAt] as number } : {}),
});

/** The message an item holds (index attributes dropped). */
export const toMessage = (item: Item): Message => {
  const m: Record<string, unknown> = {
    attemptCount: 0,
    attemptBase: 0,
    id: idOf(item[Attr.pk] as string),
    tenantId: tenantOf(item),
    appId: Collections.parentOfMessages(item[Attr.gsi3pk] as string),
    ...(item[Attr.gsi4pk] !== undefined ? { scheduleId: Collections.parentOfMessages(item[Attr.gsi4pk] as string) } : {}),
    ...unpackContent(item[MessageAttr.content]),
  };
  for (const f of plainFields) if (item[MessageAttr[f]] !== undefined) m[f] = item[MessageAttr[f]];
  if (item[MessageAttr.result] !== undefined) m.result = unpack(item[MessageAttr.result]);
  // `chained` is a string set (ADDed to by each final outcome that chains); ids sort in creation order.
  if (m.chained instanceof Set) m.chained = [...(m.chained as Set<string>)].sort();
  return m as unknown as Message;
};

/** The message as first stored: counters start at zero and only a scheduled message has a dueAt (as in SQLite). */
export const asCreated = (m: Message): Message => {
  const { deliveredAt: _d, failedAt: _f, abortedAt: _a, lastError: _l, result: _r, chained: _c, chainCut: _x, dueAt, ...rest } = m;
  return { ...rest, attemptCount: 0, attemptBase: 0, ...(m.status === 'scheduled' ? { dueAt: dueAt ?? m.sendAt } : {}) };
};

/**
 * The due-index partition of a message in `status` due at `dueAt`, written at `now`, or undefined when it gets no
 * due-index entry: only a `scheduled` message is on the engines' timeline, and only one due beyond `dueEntryBeyondMs`
 * when that is set (`hasDueEntry`). The one place that decides it, for new items and status changes alike.
 */
export const dueShardOf = (
  m: { id: string; status: MessageStatus; dueAt: number | undefined; now: number },
  o: MessageTableOptions,
): string | undefined => (m.status === 'scheduled' && hasDueEntry(m.dueAt, m.now, o) ? Shards.message(m.id, o.shards) : undefined);

/** The item of a new message written at `now`, with its collection keys and, while scheduled, its due entry. */
export const messageItem = (m: Message, now: number, o: MessageTableOptions): Item =>
  prune({
    ...Keys.message(m.id),
    // Counters at zero are left out (`toMessage` reads an absent one as zero): a few bytes nearer one KB.
    ...Object.fromEntries(plainFields.map((f) => [MessageAttr[f], m[f] === 0 && counters.has(f) ? undefined : m[f]])),
    [MessageAttr.content]: packContent(m),
    ...(m.result !== undefined ? { [MessageAttr.result]: pack(m.result) } : {}),
    [Attr.gsi2pk]: Collections.tenantMessages(m.tenantId),
    [Attr.gsi3pk]: Collections.appMessages(m.tenantId, m.appId),
    ...(m.scheduleId !== undefined ? { [Attr.gsi4pk]: Collections.scheduleMessages(m.tenantId, m.scheduleId) } : {}),
    [Attr.gsiSk]: m.id,
    [Attr.dueShard]: dueShardOf({ id: m.id, status: m.status, dueAt: m.dueAt, now }, o),
    [MessageAttr.attempts]: {},
  });

/**
 * Keeps the due index in step with a status change written at `now` (`dueShardOf`). The due index's range is `dueAt`
 * itself, so it follows dueAt changes on its own, and a message without dueAt is in no due range, just as SQLite's
 * partial index.
 */
export const trackStatus = (
  b: UpdateBuilder,
  m: { id: string; status: MessageStatus; dueAt: number | undefined; now: number },
  o: MessageTableOptions,
): UpdateBuilder => b.set(Attr.dueShard, dueShardOf(m, o));

/**
 * Attempts kept in the message item: the first `inItemAttempts` of a message, each if it packs to at most
 * `inItemAttemptBytes`. Their record then costs nothing beyond the outcome write that carries it. The bounds keep the
 * item under DynamoDB's 400 KB with a 256 KiB payload that does not compress and a 64 KiB binary result (87 KB in
 * base64): 10 × 2 KiB at most. Any other attempt (the 11th and later of a long retry run, or one whose response
 * excerpt does not pack small) is an attempt item of its own, one more write unit per KB, as before.
 */
export const inItemAttempts = 10;
/** @see inItemAttempts */
export const inItemAttemptBytes = 2 * 1024;

/** Outcomes as the message item stores them: by their position here, which must never change. */
const outcomeCodes = ['success', 'retry', 'permanent_failure', 'exhausted'] as const satisfies readonly AttemptOutcome[];

/**
 * The attempt as the message item keeps it, or undefined when it must be an item of its own (`inItemAttempts`):
 * without what the item already says (message, tenant, number), the fields by position, the outcome as its code, trailing
 * absent fields left out — `[startedAt, durationMs, outcome, statusCode, responseBody, error]` — packed.
 */
export const inItemAttempt = (a: Attempt): Uint8Array | undefined => {
  if (a.attempt > inItemAttempts) return undefined;
  const record: unknown[] = [a.startedAt, a.durationMs, outcomeCodes.indexOf(a.outcome), a.statusCode, a.responseBody, a.error];
  while (record.length && record[record.length - 1] === undefined) record.pop();
  const packed = pack(record.map((v) => v ?? null));
  return packed.length <= inItemAttemptBytes ? packed : undefined;
};

/** The attempts a message item keeps, by number. */
export const attemptsInItem = (item: Item): Attempt[] => {
  const kept = (item[MessageAttr.attempts] ?? {}) as Record<string, unknown>;
  const messageId = idOf(item[Attr.pk] as string);
  const tenantId = tenantOf(item);
  return Object.entries(kept).map(([n, packed]) => {
    const [startedAt, durationMs, outcome, statusCode, responseBody, error] = unpack(packed) as unknown[];
    const optional = { statusCode, responseBody, error };
    return {
      messageId,
      tenantId,
      attempt: Number(n),
      startedAt,
      durationMs,
      outcome: outcomeCodes[outcome as number],
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null && v !== undefined)),
    } as Attempt;
  });
};

/** The item of an attempt, in its message's partition, deleted `keepMs` after it started (when given). */
export const attemptItem = (a: Attempt, keepMs?: number): Item => ({
  ...Keys.attempt(a.messageId, a.attempt),
  ...a,
  ...(keepMs !== undefined ? { [Attr.ttl]: ttlAt(a.startedAt, keepMs) } : {}),
});

const attemptFields = [
  'messageId',
  'tenantId',
  'attempt',
  'startedAt',
  'durationMs',
  'outcome',
  'statusCode',
  'error',
  'responseBody',
] as const satisfies readonly (keyof Attempt)[];

/** The attempt an item holds. */
export const toAttempt = (item: Item): Attempt => {
  const a: Record<string, unknown> = {};
  for (const f of attemptFields) if (item[f] !== undefined) a[f] = item[f];
  return a as unknown as Attempt;
};
