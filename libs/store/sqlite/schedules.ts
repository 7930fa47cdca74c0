import type Database from 'better-sqlite3';
import type { Page, PageRequest } from '../../domain/page';
import type { Schedule, ScheduleState } from '../../schedules/model';
import type { ScheduleChange, ScheduleFilter, ScheduleStore, ScheduleUpdate } from '../../schedules/port';
import { cursorId, toPage } from './accounts';

interface ScheduleRow {
  id: string;
  tenant_id: string;
  app_id: string;
  key_id: string | null;
  name: string;
  expression: string;
  timezone: string;
  start_at: number | null;
  end_at: number | null;
  payload: string;
  headers: string | null;
  retry_policy: string | null;
  misfire_grace_seconds: number;
  state: ScheduleState;
  next_run_at: number | null;
  latest_run_at: number | null;
  latest_run_id: string | null;
  prior_run_at: number | null;
  run_count: number;
  skip_count: number;
  last_skip: string | null;
  on_success: string | null;
  on_failure: string | null;
  overlap: string | null;
  stats_succeeded: number;
  stats_failed: number;
  stats_last_status: 'delivered' | 'failed' | null;
  stats_last_run_at: number | null;
  stats_last_duration_ms: number | null;
  stats_total_duration_ms: number;
  revision: number;
  created_at: number;
  updated_at: number;
}

const toSchedule = (r: ScheduleRow): Schedule => {
  const s: Schedule = {
    id: r.id,
    tenantId: r.tenant_id,
    appId: r.app_id,
    name: r.name,
    expression: r.expression,
    timezone: r.timezone,
    payload: r.payload,
    misfireGraceSeconds: r.misfire_grace_seconds,
    state: r.state,
    runCount: r.run_count,
    skipCount: r.skip_count,
    revision: r.revision,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.key_id !== null) s.keyId = r.key_id;
  if (r.start_at !== null) s.startAt = r.start_at;
  if (r.end_at !== null) s.endAt = r.end_at;
  if (r.headers !== null) s.headers = JSON.parse(r.headers);
  if (r.retry_policy !== null) s.retryPolicy = JSON.parse(r.retry_policy);
  if (r.next_run_at !== null) s.nextRunAt = r.next_run_at;
  if (r.latest_run_at !== null) s.latestRunAt = r.latest_run_at;
  if (r.latest_run_id !== null) s.latestRunId = r.latest_run_id;
  if (r.prior_run_at !== null) s.priorRunAt = r.prior_run_at;
  if (r.last_skip !== null) s.lastSkip = JSON.parse(r.last_skip);
  if (r.on_success !== null) s.onSuccess = { appId: r.on_success };
  if (r.on_failure !== null) s.onFailure = { appId: r.on_failure };
  if (r.overlap === 'skip') s.overlap = 'skip';
  if (r.stats_succeeded || r.stats_failed) {
    s.stats = { succeeded: r.stats_succeeded, failed: r.stats_failed, totalDurationMs: r.stats_total_duration_ms };
    if (r.stats_last_status !== null) s.stats.lastStatus = r.stats_last_status;
    if (r.stats_last_run_at !== null) s.stats.lastRunAt = r.stats_last_run_at;
    if (r.stats_last_duration_ms !== null) s.stats.lastDurationMs = r.stats_last_duration_ms;
  }
  return s;
};

type Settable = Exclude<keyof ScheduleChange, 'runs' | 'skips'>;

const columns: Record<Settable, string> = {
  name: 'name',
  expression: 'expression',
  timezone: 'timezone',
  startAt: 'start_at',
  endAt: 'end_at',
  payload: 'payload',
  headers: 'headers',
  retryPolicy: 'retry_policy',
  misfireGraceSeconds: 'misfire_grace_seconds',
  state: 'state',
  nextRunAt: 'next_run_at',
  latestRunAt: 'latest_run_at',
  latestRunId: 'latest_run_id',
  priorRunAt: 'prior_run_at',
  revision: 'revision',
  updatedAt: 'updated_at',
  lastSkip: 'last_skip',
  onSuccess: 'on_success',
  onFailure: 'on_failure',
  overlap: 'overlap',
};

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const encode = (key: Settable, value: unknown): unknown =>
  key === 'headers' || key === 'retryPolicy' || key === 'lastSkip'
    ? json(value)
    : key === 'onSuccess' || key === 'onFailure'
      ? ((value as { appId: string } | undefined)?.appId ?? null)
      : (value ?? null);

/** Schedules in SQLite. Conditional writes are single-row UPDATEs; `updateMany` group-commits them in one transaction. */
export class SqliteScheduleStore implements ScheduleStore {
  private readonly s;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly updateManyTx;
  private readonly deleteAppTx;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insert:
        db.prepare(`INSERT INTO schedules (id, tenant_id, app_id, key_id, name, expression, timezone, start_at, end_at, payload, headers,
        retry_policy, misfire_grace_seconds, state, next_run_at, latest_run_at, latest_run_id, prior_run_at, run_count, skip_count,
        last_skip, revision, created_at, updated_at, on_success, on_failure, overlap)
        VALUES (@id, @tenantId, @appId, @keyId, @name, @expression, @timezone, @startAt, @endAt, @payload, @headers,
        @retryPolicy, @misfireGraceSeconds, @state, @nextRunAt, @latestRunAt, @latestRunId, @priorRunAt, @runCount, @skipCount,
        @lastSkip, @revision, @createdAt, @updatedAt, @onSuccessApp, @onFailureApp, @overlap)`),
      countActive: db.prepare("SELECT COUNT(*) AS n FROM schedules WHERE tenant_id = ? AND state = 'active'"),
      get: db.prepare('SELECT * FROM schedules WHERE id = ? AND tenant_id = ?'),
      delete: db.prepare('DELETE FROM schedules WHERE id = ? AND tenant_id = ? RETURNING *'),
      deleteApp: db.prepare('DELETE FROM schedules WHERE tenant_id = ? AND app_id = ? RETURNING *'),
      due: db.prepare("SELECT * FROM schedules WHERE state = 'active' AND next_run_at <= ? ORDER BY next_run_at LIMIT ?"),
    };
    this.updateManyTx = db.transaction((updates: ScheduleUpdate[]) => updates.map((u) => this.updateOne(u)));
    this.deleteAppTx = db.transaction((tenantId: string, appId: string) =>
      (this.s.deleteApp.all(tenantId, appId) as ScheduleRow[]).map(toSchedule),
    );
  }

  async create(s: Schedule): Promise<void> {
    this.s.insert.run({
      ...s,
      keyId: s.keyId ?? null,
      startAt: s.startAt ?? null,
      endAt: s.endAt ?? null,
      headers: json(s.headers),
      retryPolicy: json(s.retryPolicy),
      nextRunAt: s.nextRunAt ?? null,
      latestRunAt: s.latestRunAt ?? null,
      latestRunId: s.latestRunId ?? null,
      priorRunAt: s.priorRunAt ?? null,
      skipCount: s.skipCount ?? 0,
      lastSkip: json(s.lastSkip),
      onSuccessApp: s.onSuccess?.appId ?? null,
      onFailureApp: s.onFailure?.appId ?? null,
      overlap: s.overlap ?? null,
    });
  }

  async get(tenantId: string, scheduleId: string): Promise<Schedule | undefined> {
    const row = this.s.get.get(scheduleId, tenantId) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  async list(tenantId: string, filter: ScheduleFilter, page: PageRequest): Promise<Page<Schedule>> {
    const where = ['tenant_id = ?', 'id < ?'];
    const args: unknown[] = [tenantId, cursorId(page)];
    if (filter.appId) {
      where.push('app_id = ?');
      args.push(filter.appId);
    }
    const rows = this.cached(`SELECT * FROM schedules WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(
      ...args,
      page.limit + 1,
    ) as ScheduleRow[];
    return toPage(rows.map(toSchedule), page.limit);
  }

  async update(update: ScheduleUpdate): Promise<Schedule | undefined> {
    return this.updateOne(update);
  }

  async updateMany(updates: ScheduleUpdate[]): Promise<(Schedule | undefined)[]> {
    return updates.length ? this.updateManyTx(updates) : [];
  }

  async delete(tenantId: string, scheduleId: string): Promise<Schedule | undefined> {
    const row = this.s.delete.get(scheduleId, tenantId) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  async deleteAllForApp(tenantId: string, appId: string): Promise<Schedule[]> {
    return this.deleteAppTx(tenantId, appId);
  }

  async countActive(tenantId: string): Promise<number> {
    return (this.s.countActive.get(tenantId) as { n: number }).n;
  }

  async due(until: number, limit: number): Promise<Schedule[]> {
    return (this.s.due.all(until, limit) as ScheduleRow[]).map(toSchedule);
  }

  private updateOne({ tenantId, scheduleId, expected, change }: ScheduleUpdate): Schedule | undefined {
    const keys = (Object.keys(change) as (keyof ScheduleChange)[]).filter((k): k is Settable => k !== 'runs' && k !== 'skips');
    const sets = keys.map((k) => `${columns[k]} = ?`);
    const values = keys.map((k) => encode(k, change[k]));
    if (change.runs) {
      sets.push('run_count = run_count + ?');
      values.push(change.runs);
    }
    if (change.skips) {
      sets.push('skip_count = skip_count + ?');
      values.push(change.skips);
    }
    const where = ['id = ?', 'tenant_id = ?'];
    const args: unknown[] = [scheduleId, tenantId];
    if (expected) {
      where.push('state = ?', expected.nextRunAt === undefined ? 'next_run_at IS NULL' : 'next_run_at = ?');
      args.push(expected.state, ...(expected.nextRunAt === undefined ? [] : [expected.nextRunAt]));
    }
    // An empty change still reports whether the condition holds.
    const sql = sets.length
      ? `UPDATE schedules SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING *`
      : `SELECT * FROM schedules WHERE ${where.join(' AND ')}`;
    const row = this.cached(sql).get(...values, ...args) as ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  /** Statements built from a small set of shapes (filters, change sets) are prepared once each. */
  private cached(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
