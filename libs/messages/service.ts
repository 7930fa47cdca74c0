import type { AppStore } from '../apps/port';
import { requireChainApps } from '../apps/chain-links';
import { AppNotFoundError } from '../apps/errors';
import type { Clock } from '../domain/clock';
import { durationSeconds } from '../domain/duration';
import { DomainError, PayloadTooLargeError, ValidationError } from '../domain/errors';
import { newId } from '../domain/ids';
import { capPageBytes, defaultPageLimit, type Page, responseBytesOf } from '../domain/page';
import { parseInput } from '../domain/validate';
import type { Engine } from '../engine/port';
import { announceAborted, announceCreated, announceRedriven } from '../events/announce';
import type { EventSink } from '../events/port';
import { requireAppAccess, resolveAppId } from '../keys/access';
import type { Principal } from '../keys/model';
import { maxLifetimeAttempts } from '../domain/retry';
import { MessageAppDeletedError, MessageAttemptsExhaustedError, MessageNotFoundError, MessageStateConflictError } from './errors';
import { maxPayloadBytes, resultBytesOf, type Attempt, type Message, type MessageStatus } from './model';
import type { CreateResult, MessageStore } from './port';
import { messageCreateSchema, type MessageCreateInput } from './schemas';

/** Latest `sendAt` accepted: ten years ahead. */
const maxHorizonMs = 10 * 366 * 86_400_000;

export interface MessageServiceDeps {
  messages: MessageStore;
  apps: AppStore;
  engine: Engine;
  clock: Clock;
  /** Admission control before messages are stored (plan limits); throws to refuse. */
  admit?: (p: Principal, count: number) => Promise<void>;
  /** Observes messages newly scheduled: stored, or redriven (metering counts them as scheduled). */
  onCreated?: (messages: Message[]) => void;
  /** Where created, aborted and redriven messages are announced (`GET /v1/events`). @default none */
  events?: EventSink;
}

/** A create as the service takes it: the parsed body, and the payload's text as the client sent it. */
export type MessageCreate = MessageCreateInput & {
  /** The payload's JSON text exactly as the client wrote it (kept and delivered byte for byte); `JSON.stringify(payload)` when absent. */
  payloadText?: string;
};

/** What a batch create takes beside its items. */
export interface BatchOptions {
  /** Each item's payload text as the client wrote it, by index (see `MessageCreate.payloadText`). */
  payloadTexts?: readonly (string | undefined)[];
  /** The batch's `Idempotency-Key`: an item without a key of its own gets `<key>#<index>`, so a repeated batch returns its originals. */
  idempotencyKey?: string;
}

/** One item of a batch: its result or its error. */
export type BatchItemResult = { index: number; result: CreateResult } | { index: number; error: DomainError };

export interface MessageListQuery {
  status?: MessageStatus;
  appId?: string;
  scheduleId?: string;
  limit?: number;
  cursor?: string;
  /** `result`: the items carry their results (counted in the page's byte cap). */
  include?: 'result';
}

export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  /** Stores one message (201) or returns the original of a repeated idempotency key (200). */
  async create(p: Principal, input: MessageCreate): Promise<CreateResult> {
    const message = await this.build(p, input, new Map());
    await this.deps.admit?.(p, 1);
    const [result] = await this.store([message]);
    return result;
  }

  /** Validates each item on its own and stores the valid ones in one write. */
  async createBatch(p: Principal, items: unknown[], options: BatchOptions = {}): Promise<BatchItemResult[]> {
    const apps = new Map<string, Promise<void>>();
    const built: { index: number; message: Message }[] = [];
    const out: BatchItemResult[] = [];
    for (const [index, item] of items.entries()) {
      try {
        const input: MessageCreate = parseInput(messageCreateSchema, item, `items.${index}`);
        const payloadText = options.payloadTexts?.[index];
        if (payloadText !== undefined) input.payloadText = payloadText;
        if (input.idempotencyKey === undefined && options.idempotencyKey !== undefined)
          input.idempotencyKey = `${options.idempotencyKey}#${index}`;
        built.push({ index, message: await this.build(p, input, apps, `items.${index}.`) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        out.push({ index, error });
      }
    }
    if (built.length) {
      await this.deps.admit?.(p, built.length);
      const results = await this.store(built.map((b) => b.message));
      for (const [i, result] of results.entries()) out.push({ index: built[i].index, result });
    }
    return out.sort((a, b) => a.index - b.index);
  }

  /** Newest first; a page ends early when its payloads would not fit in one response (`maxPageBytes`). */
  async list(p: Principal, q: MessageListQuery): Promise<Page<Message>> {
    const appId = resolveAppId(p, q.appId);
    const page = await this.deps.messages.list(
      p.tenantId,
      { appId, status: q.status, scheduleId: q.scheduleId },
      { limit: q.limit ?? defaultPageLimit, cursor: q.cursor },
    );
    const withResults = q.include === 'result';
    return capPageBytes(page, (m) => responseBytesOf(m.payload) + (withResults ? resultBytesOf(m.result) : 0));
  }

  /** The tenant's message (404 for another tenant's id, 403 for a data key of another app). */
  async get(p: Principal, id: string): Promise<Message> {
    const m = await this.deps.messages.get(p.tenantId, id);
    if (!m) throw new MessageNotFoundError(id);
    requireAppAccess(p, m.appId);
    return m;
  }

  async attempts(p: Principal, id: string): Promise<Attempt[]> {
    await this.get(p, id);
    return this.deps.messages.attempts(p.tenantId, id);
  }

  /** `scheduled` → `aborted`; a conditional write, so it races delivery safely. */
  async abort(p: Principal, id: string): Promise<Message> {
    await this.get(p, id);
    const now = this.deps.clock.now();
    const m = await this.deps.messages.transition(
      p.tenantId,
      id,
      ['scheduled'],
      { status: 'aborted', dueAt: undefined, abortedAt: now },
      now,
      'abort',
    );
    if (this.deps.events) announceAborted(this.deps.events, m);
    return m;
  }

  /**
   * `failed` or `aborted` → `scheduled` at `sendAt` (or now), with a fresh retry budget within the lifetime
   * cap of attempts. A redrive schedules a message again: it is admitted against the plan's limits and
   * counted as scheduled, as a new message would be. 409 once its app is deleted.
   */
  async redrive(p: Principal, id: string, sendAt?: string): Promise<Message> {
    const current = await this.get(p, id);
    // Checked before admission so a refused redrive costs no quota; the transition below stays the guard against races.
    if (current.status !== 'failed' && current.status !== 'aborted') throw new MessageStateConflictError(id, current.status, 'redrive');
    if (current.attemptCount >= maxLifetimeAttempts) throw new MessageAttemptsExhaustedError(id, current.attemptCount);
    // Deleting an app aborts its pending messages for good: a redrive would only fail later, for want of a target.
    if (!(await this.deps.apps.exists(p.tenantId, current.appId))) throw new MessageAppDeletedError(id, current.status);
    const now = this.deps.clock.now();
    const at = sendAt === undefined ? now : this.sendAtMs(sendAt, now, 'sendAt');
    await this.deps.admit?.(p, 1);
    const m = await this.deps.messages.transition(
      p.tenantId,
      id,
      ['failed', 'aborted'],
      { status: 'scheduled', sendAt: at, dueAt: Math.max(at, now), attemptBase: current.attemptCount, lastError: undefined },
      now,
      'redrive',
    );
    this.deps.onCreated?.([m]);
    await this.deps.engine.enqueue([{ id: m.id, tenantId: m.tenantId, dueAt: m.dueAt ?? at }]);
    if (this.deps.events) announceRedriven(this.deps.events, m);
    return m;
  }

  /** Stores messages built elsewhere (schedule runs) and hands them to the engine. */
  async store(messages: Message[]): Promise<CreateResult[]> {
    const results = await this.deps.messages.create(messages, this.deps.clock.now());
    const fresh = results.filter((r) => r.created).map((r) => r.message);
    if (fresh.length) {
      this.deps.onCreated?.(fresh);
      const events = this.deps.events;
      if (events) for (const m of fresh) announceCreated(events, m);
      await this.deps.engine.enqueue(fresh.map((m) => ({ id: m.id, tenantId: m.tenantId, dueAt: m.dueAt ?? m.sendAt })));
    }
    return results;
  }

  private async build(p: Principal, input: MessageCreate, checked: Map<string, Promise<void>>, prefix = ''): Promise<Message> {
    const appId = resolveAppId(p, input.appId);
    if (!appId)
      throw new ValidationError(`${prefix}appId is required with a control key`, [
        { path: `${prefix}appId`, issue: 'required with a control key' },
      ]);
    let check = checked.get(appId);
    if (!check) {
      check = this.deps.apps.exists(p.tenantId, appId).then((found) => {
        if (!found) throw new AppNotFoundError(appId);
      });
      checked.set(appId, check);
    }
    await check;
    if (input.onSuccess || input.onFailure) await requireChainApps(this.deps.apps, p.tenantId, input);
    const payload = input.payloadText ?? JSON.stringify(input.payload);
    if (Buffer.byteLength(payload) > maxPayloadBytes)
      throw new PayloadTooLargeError(`${prefix}payload is over ${maxPayloadBytes / 1024} KiB serialized`);
    const now = this.deps.clock.now();
    const sendAt =
      input.sendAt !== undefined
        ? this.sendAtMs(input.sendAt, now, `${prefix}sendAt`)
        : input.delaySeconds !== undefined
          ? now + input.delaySeconds * 1000
          : input.delay !== undefined
            ? now + (durationSeconds(input.delay) ?? 0) * 1000
            : now;
    return {
      id: newId('msg', { tenantId: p.tenantId }),
      tenantId: p.tenantId,
      appId,
      keyId: p.keyId,
      status: 'scheduled',
      sendAt,
      dueAt: Math.max(sendAt, now),
      payload,
      ...(input.headers ? { headers: input.headers } : {}),
      ...(input.retryPolicy ? { retryPolicy: input.retryPolicy } : {}),
      ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
      ...(input.onSuccess ? { onSuccess: input.onSuccess } : {}),
      ...(input.onFailure ? { onFailure: input.onFailure } : {}),
      attemptCount: 0,
      attemptBase: 0,
      createdAt: now,
      updatedAt: now,
    };
  }

  private sendAtMs(value: string, now: number, path: string): number {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new ValidationError(`${path}: not a valid date-time`, [{ path, issue: 'not a valid date-time' }]);
    if (ms > now + maxHorizonMs)
      throw new ValidationError(`${path}: at most ten years ahead`, [{ path, issue: 'at most ten years ahead' }]);
    return ms;
  }
}
