import type { Page, PageRequest } from '../domain/page';
import type { Attempt, Message, MessageResult, MessageStatus } from './model';

/** Filters of a message listing. */
export interface MessageFilter {
  appId?: string;
  status?: MessageStatus;
  scheduleId?: string;
}

/** Result of inserting one message. */
export interface CreateResult {
  message: Message;
  /** False when an idempotency key matched and `message` is the original. */
  created: boolean;
}

/** A message the engine should fire at `dueAt`. */
export interface DueRef {
  id: string;
  tenantId: string;
  dueAt: number;
}

/** The end of one delivery attempt: the attempt record and the state it leads to. */
export interface AttemptResult {
  attempt: Attempt;
  /** `delivered`, `failed`, or `scheduled` again for a retry at `dueAt`. */
  status: 'delivered' | 'failed' | 'scheduled';
  /** Next attempt time when `status` is `scheduled`. */
  dueAt?: number;
  lastError?: string;
  /** The message's result, when `status` is `delivered` or `failed`. */
  result?: MessageResult;
  /** The message its final outcome chains to: created in the same write as the outcome (`chainOf` the source). */
  chain?: Message;
  /** Why the chain the outcome asked for was not created (recorded on the source). */
  chainCut?: string;
  /** The source's schedule, whose `stats` a final outcome updates. */
  scheduleId?: string;
}

/** The part of a message a transition may change. */
export type MessageChange = Partial<
  Pick<Message, 'status' | 'sendAt' | 'dueAt' | 'attemptBase' | 'abortedAt' | 'failedAt' | 'deliveredAt' | 'lastError'>
>;

/** Persistence of messages and their attempts. Every state change is conditional on the current state. */
export interface MessageStore {
  /**
   * Inserts messages (one transaction where the adapter can). A message whose `idempotencyKey`
   * was used by the same app within `idempotencyWindowMs` before `now` is not inserted: its result is the original.
   */
  create(messages: Message[], now: number): Promise<CreateResult[]>;
  /** The tenant's message, or undefined. */
  get(tenantId: string, messageId: string): Promise<Message | undefined>;
  /** The tenant's messages matching `filter`, newest first. */
  list(tenantId: string, filter: MessageFilter, page: PageRequest): Promise<Page<Message>>;
  /**
   * Applies `change` if the message's status is one of `from`; returns the updated message.
   * Throws `MessageNotFoundError` or `MessageStateConflictError`.
   */
  transition(
    tenantId: string,
    messageId: string,
    from: MessageStatus[],
    change: MessageChange,
    now: number,
    action: string,
  ): Promise<Message>;
  /** Attempts of a message, oldest first. */
  attempts(tenantId: string, messageId: string): Promise<Attempt[]>;
  /** Scheduled messages with `after < dueAt <= until`, earliest first, at most `limit`. */
  due(after: number, until: number, limit: number): Promise<DueRef[]>;
  /** Moves each still-`scheduled` message whose dueAt ≤ now to `delivering`; returns the ones it moved. */
  claim(refs: DueRef[], now: number): Promise<Message[]>;
  /**
   * Records attempts and moves each `delivering` message to its next state; a final one also gets its `result`, its
   * chained message created (idempotently: its key derives from the source and the attempt) and listed in `chained` (or
   * `chainCut` recorded), and its schedule's `stats` updated, all in the same write where the adapter can. A result whose
   * message is no longer `delivering` (stale) changes nothing. Returns the chained messages it created.
   */
  complete(results: AttemptResult[], now: number): Promise<Message[]>;
  /**
   * Undoes `claim` for messages whose delivery has not started: each one still `delivering` goes
   * back to `scheduled` at its `dueAt` (attempt count unchanged), in one write where the adapter can;
   * returns how many moved.
   */
  unclaim(refs: DueRef[], now: number): Promise<number>;
  /** Returns every `delivering` message to `scheduled`, due now (after a crash); returns how many. */
  recoverInFlight(now: number): Promise<number>;
  /** How many messages created with this key are `scheduled` (plan pending limits). */
  countPending(keyId: string): Promise<number>;
  /**
   * How many of the tenant's messages are `scheduled`, held ones included (the plan's `maxPendingMessages`). Adapters may
   * count per app of the tenant: a message always has one (a deleted app's messages are no longer scheduled).
   */
  countPendingForTenant(tenantId: string): Promise<number>;
  /**
   * Puts the tenant's held messages (`scheduled` without a `dueAt`: claimed while the tenant was suspended and handed
   * back unattempted) back on the due timeline at `dueAt`; returns them, for the engine.
   */
  releaseHeld(tenantId: string, dueAt: number, now: number): Promise<DueRef[]>;
  /** The tenants that have held messages (a start resumes those whose tenant is active again). */
  tenantsWithHeld(): Promise<string[]>;
  /** Aborts every scheduled message of an app (app deletion); returns how many. */
  abortAllForApp(tenantId: string, appId: string, now: number): Promise<number>;
}

/** A finished message, as the retention sweep sees it. */
export interface FinishedRef {
  id: string;
  tenantId: string;
  /** When it reached `delivered`, `failed` or `aborted` (its last change). */
  finishedAt: number;
}

/**
 * Deleting what retention no longer keeps, a bounded batch at a time (the embedded store; DynamoDB items
 * expire by their TTL attribute instead, set when a message finishes).
 */
export interface RetentionStore {
  /**
   * Examines up to `limit` messages after `cursor`, in storage order, and returns the finished ones among
   * them with the cursor to go on from (undefined once the walk has wrapped round to the start).
   */
  finished(cursor: string | undefined, limit: number): Promise<{ refs: FinishedRef[]; cursor?: string }>;
  /** Deletes each message that is still finished as `ref` says (not redriven since) and its attempts; returns how many. */
  deleteFinished(refs: FinishedRef[]): Promise<number>;
  /**
   * Examines up to `limit` idempotency records after `cursor` and deletes those that expired at or before
   * `now`; returns how many, with the cursor to go on from (undefined once wrapped).
   */
  deleteExpiredIdempotency(now: number, cursor: string | undefined, limit: number): Promise<{ deleted: number; cursor?: string }>;
}
