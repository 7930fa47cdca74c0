import type Database from 'better-sqlite3';
import { encodeCursor, maxPageBytes, type Page, type PageRequest, responseBytesOf } from '../../domain/page';
import { MessageNotFoundError, MessageStateConflictError } from '../../messages/errors';
import { idempotencyWindowMs, type Attempt, type Message, type MessageStatus } from '../../messages/model';
import type { AttemptResult, CreateResult, DueRef, MessageChange, MessageFilter, MessageStore } from '../../messages/port';
import { cursorId } from './accounts';
import { GroupCommitter } from './group-commit';

interface MessageRow {
  id: string;
  tenant_id: string;
  app_id: string;
  schedule_id: string | null;
  key_id: string | null;
  status: MessageStatus;
  send_at: number;
  due_at: number | null;
  payload: string;
  headers: string | null;
  retry_policy: string | null;
  idempotency_key: string | null;
  attempt_count: number;
  attempt_base: number;
  delivered_at: number | null;
  failed_at: number | null;
  aborted_at: number | null;
  last_error: string | null;
  result: string | null;
  on_success: string | null;
  on_failure: string | null;
  chain_of: string | null;
  chain_depth: number | null;
  chained: string | null;
  chain_cut: string | null;
  created_at: number;
  updated_at: number;
}

const toMessage = (r: MessageRow): Message => {
  const m: Message = {
    id: r.id,
    tenantId: r.tenant_id,
    appId: r.app_id,
    status: r.status,
    sendAt: r.send_at,
    payload: r.payload,
    attemptCount: r.attempt_count,
    attemptBase: r.attempt_base,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.schedule_id !== null) m.scheduleId = r.schedule_id;
  if (r.key_id !== null) m.keyId = r.key_id;
  if (r.due_at !== null) m.dueAt = r.due_at;
  if (r.headers !== null) m.headers = JSON.parse(r.headers);
  if (r.retry_policy !== null) m.retryPolicy = JSON.parse(r.retry_policy);
  if (r.idempotency_key !== null) m.idempotencyKey = r.idempotency_key;
  if (r.delivered_at !== null) m.deliveredAt = r.delivered_at;
  if (r.failed_at !== null) m.failedAt = r.failed_at;
  if (r.aborted_at !== null) m.abortedAt = r.aborted_at;
  if (r.last_error !== null) m.lastError = r.last_error;
  if (r.on_success !== null) m.onSuccess = { appId: r.on_success };
  if (r.on_failure !== null) m.onFailure = { appId: r.on_failure };
  if (r.chain_of !== null) m.chainOf = r.chain_of;
  if (r.chain_depth !== null) m.chainDepth = r.chain_depth;
  if (r.chained !== null) m.chained = JSON.parse(r.chained);
  if (r.chain_cut !== null) m.chainCut = r.chain_cut;
  if (r.result !== null) m.result = JSON.parse(r.result);
  return m;
};

const changeColumns: Record<keyof MessageChange, string> = {
  status: 'status',
  sendAt: 'send_at',
  dueAt: 'due_at',
  attemptBase: 'attempt_base',
  abortedAt: 'aborted_at',
  failedAt: 'failed_at',
  deliveredAt: 'delivered_at',
  lastError: 'last_error',
};

interface AttemptRow {
  attempt: number;
  message_id: string;
  tenant_id: string;
  started_at: number;
  duration_ms: number;
  outcome: Attempt['outcome'];
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}

const toAttempt = (r: AttemptRow): Attempt => ({
  messageId: r.message_id,
  tenantId: r.tenant_id,
  attempt: r.attempt,
  startedAt: r.started_at,
  durationMs: r.duration_ms,
  outcome: r.outcome,
  ...(r.status_code !== null ? { statusCode: r.status_code } : {}),
  ...(r.error !== null ? { error: r.error } : {}),
  ...(r.response_body !== null ? { responseBody: r.response_body } : {}),
});

/** Messages in SQLite. Multi-row operations run in one transaction each (group commit). */
export class SqliteMessageStore implements MessageStore {
  private readonly s;
  private readonly createTx;
  private readonly claimTx;
  private readonly unclaimTx;
  private readonly completeTx;
  private readonly transitionCache = new Map<string, Database.Statement>();
  private readonly creates: GroupCommitter<{ messages: Message[]; now: number }, CreateResult[]>;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insert: db.prepare(`INSERT INTO messages (id, tenant_id, app_id, schedule_id, key_id, status, send_at, due_at, payload, headers,
        retry_policy, idempotency_key, attempt_count, attempt_base, created_at, updated_at, on_success, on_failure, chain_of, chain_depth)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?)`),
      idemGet: db.prepare('SELECT message_id, expires_at FROM idempotency WHERE app_id = ? AND key = ?'),
      idemPut: db.prepare('INSERT OR REPLACE INTO idempotency (app_id, key, message_id, expires_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM messages WHERE id = ? AND tenant_id = ?'),
      getAny: db.prepare('SELECT * FROM messages WHERE id = ?'),
      attempts: db.prepare('SELECT * FROM attempts WHERE message_id = ? AND tenant_id = ? ORDER BY attempt'),
      due: db.prepare(
        'SELECT id, tenant_id AS tenantId, due_at AS dueAt FROM messages ' +
          "WHERE status = 'scheduled' AND due_at > ? AND due_at <= ? ORDER BY due_at LIMIT ?",
      ),
      claim: db.prepare(
        "UPDATE messages SET status = 'delivering', due_at = NULL, updated_at = ? " +
          "WHERE id = ? AND status = 'scheduled' AND due_at <= ? RETURNING *",
      ),
      insertAttempt: db.prepare(`INSERT OR REPLACE INTO attempts
        (message_id, attempt, tenant_id, started_at, duration_ms, outcome, status_code, error, response_body)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      finish: db.prepare(`UPDATE messages SET status = ?, due_at = ?, attempt_count = MAX(attempt_count, ?), last_error = ?,
        delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END,
        failed_at = CASE WHEN ? = 'failed' THEN ? ELSE failed_at END,
        result = COALESCE(?, result),
        updated_at = ? WHERE id = ? AND status = 'delivering'`),
      addChained: db.prepare("UPDATE messages SET chained = json_insert(COALESCE(chained, '[]'), '$[#]', ?) WHERE id = ?"),
      chainCut: db.prepare('UPDATE messages SET chain_cut = ? WHERE id = ?'),
      runStats: db.prepare(`UPDATE schedules SET stats_succeeded = stats_succeeded + ?, stats_failed = stats_failed + ?,
        stats_last_status = ?, stats_last_run_at = ?, stats_last_duration_ms = ?, stats_total_duration_ms = stats_total_duration_ms + ?
        WHERE id = ? AND tenant_id = ?`),
      pending: db.prepare("SELECT COUNT(*) AS n FROM messages WHERE key_id = ? AND status = 'scheduled'"),
      pendingOfTenant: db.prepare("SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ? AND status = 'scheduled'"),
      release: db.prepare(
        "UPDATE messages SET due_at = ?, updated_at = ? WHERE tenant_id = ? AND status = 'scheduled' AND due_at IS NULL " +
          'RETURNING id, tenant_id AS tenantId, due_at AS dueAt',
      ),
      heldTenants: db.prepare("SELECT DISTINCT tenant_id AS id FROM messages WHERE status = 'scheduled' AND due_at IS NULL"),
      recover: db.prepare("UPDATE messages SET status = 'scheduled', due_at = ?, updated_at = ? WHERE status = 'delivering'"),
      unclaim: db.prepare("UPDATE messages SET status = 'scheduled', due_at = ?, updated_at = ? WHERE id = ? AND status = 'delivering'"),
      abortApp: db.prepare(
        "UPDATE messages SET status = 'aborted', due_at = NULL, aborted_at = ?, updated_at = ? " +
          "WHERE tenant_id = ? AND app_id = ? AND status = 'scheduled'",
      ),
    };
    this.createTx = db.transaction((messages: Message[], now: number): CreateResult[] => messages.map((m) => this.insertOne(m, now)));
    const createGroupTx = db.transaction((calls: { messages: Message[]; now: number }[]): CreateResult[][] =>
      calls.map((c) => c.messages.map((m) => this.insertOne(m, c.now))),
    );
    this.creates = new GroupCommitter(createGroupTx, (c) => this.createTx(c.messages, c.now));
    this.claimTx = db.transaction((refs: DueRef[], now: number): Message[] => {
      const out: Message[] = [];
      for (const ref of refs) {
        const row = this.s.claim.get(now, ref.id, now) as MessageRow | undefined;
        if (row) out.push(toMessage(row));
      }
      return out;
    });
    this.unclaimTx = db.transaction((refs: DueRef[], now: number): number =>
      refs.reduce((n, ref) => n + this.s.unclaim.run(ref.dueAt, now, ref.id).changes, 0),
    );
    this.completeTx = db.transaction((results: AttemptResult[], now: number): Message[] => {
      const chained: Message[] = [];
      for (const r of results) {
        const a = r.attempt;
        this.s.insertAttempt.run(
          a.messageId,
          a.attempt,
          a.tenantId,
          a.startedAt,
          a.durationMs,
          a.outcome,
          a.statusCode ?? null,
          a.error ?? null,
          a.responseBody ?? null,
        );
        const moved = this.s.finish.run(
          r.status,
          r.status === 'scheduled' ? (r.dueAt ?? now) : null,
          a.attempt,
          r.lastError ?? null,
          r.status,
          now,
          r.status,
          now,
          r.result ? JSON.stringify(r.result) : null,
          now,
          a.messageId,
        ).changes;
        // A stale result (the message moved on meanwhile) chains nothing and counts nothing.
        if (moved === 0 || r.status === 'scheduled') continue;
        if (r.chain) {
          const created = this.insertOne(r.chain, now);
          if (created.created) {
            this.s.addChained.run(created.message.id, a.messageId);
            chained.push(created.message);
          }
        } else if (r.chainCut !== undefined) this.s.chainCut.run(r.chainCut, a.messageId);
        if (r.scheduleId !== undefined) {
          const ok = r.status === 'delivered' ? 1 : 0;
          this.s.runStats.run(ok, 1 - ok, r.status, now, a.durationMs, a.durationMs, r.scheduleId, a.tenantId);
        }
      }
      return chained;
    });
  }

  private insertOne(m: Message, now: number): CreateResult {
    if (m.idempotencyKey !== undefined) {
      const prior = this.s.idemGet.get(m.appId, m.idempotencyKey) as { message_id: string; expires_at: number } | undefined;
      if (prior && prior.expires_at > now) {
        const original = this.s.getAny.get(prior.message_id) as MessageRow | undefined;
        if (original) return { message: toMessage(original), created: false };
      }
      this.s.idemPut.run(m.appId, m.idempotencyKey, m.id, now + idempotencyWindowMs);
    }
    // Positional parameters: binding from an object costs a property lookup per name on the hot path.
    this.s.insert.run(
      m.id,
      m.tenantId,
      m.appId,
      m.scheduleId ?? null,
      m.keyId ?? null,
      m.status,
      m.sendAt,
      m.status === 'scheduled' ? (m.dueAt ?? m.sendAt) : null,
      m.payload,
      m.headers ? JSON.stringify(m.headers) : null,
      m.retryPolicy ? JSON.stringify(m.retryPolicy) : null,
      m.idempotencyKey ?? null,
      m.createdAt,
      m.updatedAt,
      m.onSuccess?.appId ?? null,
      m.onFailure?.appId ?? null,
      m.chainOf ?? null,
      m.chainDepth ?? null,
    );
    return { message: { ...m, dueAt: m.status === 'scheduled' ? (m.dueAt ?? m.sendAt) : undefined }, created: true };
  }

  /** Concurrent creates share one transaction (group commit); each resolves after its commit. */
  async create(messages: Message[], now: number): Promise<CreateResult[]> {
    return messages.length ? this.creates.submit({ messages, now }) : [];
  }

  /** Commits the creates still waiting for their group (before closing the database). */
  flush(): void {
    this.creates.flush();
  }

  async get(tenantId: string, messageId: string): Promise<Message | undefined> {
    const row = this.s.get.get(messageId, tenantId) as MessageRow | undefined;
    return row && toMessage(row);
  }

  /**
   * Reads only the rows it returns: the page's rows one at a time, stopping where their payloads would pass the page's
   * byte cap (`capPageBytes`, which the service applies to every store, and cuts further where results are included),
   * and whether more follow from the index alone. Reading one row past the page, or a whole page the cap then shortens,
   * materialised payloads nobody asked for.
   */
  async list(tenantId: string, filter: MessageFilter, page: PageRequest): Promise<Page<Message>> {
    const where = ['tenant_id = ?', 'id < ?'];
    const args: unknown[] = [tenantId, cursorId(page)];
    if (filter.appId) {
      where.push('app_id = ?');
      args.push(filter.appId);
    }
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.scheduleId) {
      where.push('schedule_id = ?');
      args.push(filter.scheduleId);
    }
    const conditions = where.join(' AND ');
    const items: Message[] = [];
    let bytes = 0;
    for (const row of this.cached(`SELECT * FROM messages WHERE ${conditions} ORDER BY id DESC LIMIT ?`).iterate(...args, page.limit)) {
      const r = row as MessageRow;
      bytes += responseBytesOf(r.payload);
      // Always at least one item, as capPageBytes keeps; the iterator's return() (on break) resets the statement.
      if (bytes > maxPageBytes && items.length > 0) return { items, nextCursor: encodeCursor(items[items.length - 1].id) };
      items.push(toMessage(r));
    }
    if (items.length < page.limit) return { items };
    const lastId = items[items.length - 1].id;
    args[1] = lastId;
    const more = this.cached(`SELECT 1 FROM messages WHERE ${conditions} LIMIT 1`).get(...args) !== undefined;
    return more ? { items, nextCursor: encodeCursor(lastId) } : { items };
  }

  async transition(
    tenantId: string,
    messageId: string,
    from: MessageStatus[],
    change: MessageChange,
    now: number,
    action: string,
  ): Promise<Message> {
    const keys = Object.keys(change) as (keyof MessageChange)[];
    const sets = [...keys.map((k) => `${changeColumns[k]} = ?`), 'updated_at = ?'];
    const statuses = from.map(() => '?').join(', ');
    const sql = `UPDATE messages SET ${sets.join(', ')} WHERE id = ? AND tenant_id = ? AND status IN (${statuses}) RETURNING *`;
    const values = keys.map((k) => change[k] ?? null);
    const row = this.cached(sql).get(...values, now, messageId, tenantId, ...from) as MessageRow | undefined;
    if (row) return toMessage(row);
    const current = await this.get(tenantId, messageId);
    if (!current) throw new MessageNotFoundError(messageId);
    throw new MessageStateConflictError(messageId, current.status, action);
  }

  async attempts(tenantId: string, messageId: string): Promise<Attempt[]> {
    return (this.s.attempts.all(messageId, tenantId) as AttemptRow[]).map(toAttempt);
  }

  async due(after: number, until: number, limit: number): Promise<DueRef[]> {
    return this.s.due.all(after, until, limit) as DueRef[];
  }

  async claim(refs: DueRef[], now: number): Promise<Message[]> {
    return refs.length ? this.claimTx(refs, now) : [];
  }

  async complete(results: AttemptResult[], now: number): Promise<Message[]> {
    return results.length ? this.completeTx(results, now) : [];
  }

  /** One transaction: all or nothing. */
  async unclaim(refs: DueRef[], now: number): Promise<number> {
    return refs.length ? this.unclaimTx(refs, now) : 0;
  }

  async recoverInFlight(now: number): Promise<number> {
    return this.s.recover.run(now, now).changes;
  }

  async countPending(keyId: string): Promise<number> {
    return (this.s.pending.get(keyId) as { n: number }).n;
  }

  async countPendingForTenant(tenantId: string): Promise<number> {
    return (this.s.pendingOfTenant.get(tenantId) as { n: number }).n;
  }

  async releaseHeld(tenantId: string, dueAt: number, now: number): Promise<DueRef[]> {
    return this.s.release.all(dueAt, now, tenantId) as DueRef[];
  }

  async tenantsWithHeld(): Promise<string[]> {
    return (this.s.heldTenants.all() as { id: string }[]).map((r) => r.id);
  }

  async abortAllForApp(tenantId: string, appId: string, now: number): Promise<number> {
    return this.s.abortApp.run(now, now, tenantId, appId).changes;
  }

  /** Statements built from a small set of shapes (filters, change sets) are prepared once each. */
  private cached(sql: string): Database.Statement {
    let stmt = this.transitionCache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.transitionCache.set(sql, stmt);
    }
    return stmt;
  }
}
