import type { Page, PageRequest } from '../../domain/page';
import type { Schedule } from '../../schedules/model';
import type { RunOutcome, RunStatsStore, ScheduleFilter, ScheduleStore, ScheduleUpdate } from '../../schedules/port';
import { UpdateBuilder } from './expression';
import { pageOf } from './paging';
import { Attr, Collections, idOf, Index, Keys, Shards } from './schema';
import { mapLimit, mapLimitKeyed, type Item, type Table } from './table';

/** Options of the schedule store. */
export interface DynamoScheduleOptions {
  /** Partitions of the due index. */
  shards: number;
  /** Single-item writes in flight at once for one multi-item call. */
  concurrency: number;
}

const scheduleFields = [
  'id',
  'tenantId',
  'appId',
  'keyId',
  'name',
  'expression',
  'timezone',
  'startAt',
  'endAt',
  'payload',
  'headers',
  'retryPolicy',
  'misfireGraceSeconds',
  'state',
  'nextRunAt',
  'latestRunAt',
  'latestRunId',
  'priorRunAt',
  'runCount',
  'skipCount',
  'lastSkip',
  'onSuccess',
  'onFailure',
  'overlap',
  'revision',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Schedule)[];

const settable = new Set<string>(
  scheduleFields.filter((f) => !['id', 'tenantId', 'appId', 'keyId', 'runCount', 'skipCount', 'createdAt'].includes(f)),
);

/** `nextRunAt` is stored as `dueAt`, the due index's range, which messages share. */
const attrOf = (field: string): string => (field === 'nextRunAt' ? Attr.dueAt : field);

const toSchedule = (item: Item): Schedule => {
  const s: Record<string, unknown> = {};
  for (const f of scheduleFields) if (item[attrOf(f)] !== undefined) s[f] = item[attrOf(f)];
  s.skipCount ??= 0; // written before skips were counted
  const [succeeded, failed] = [item.statsSucceeded, item.statsFailed].map((n) => (typeof n === 'number' ? n : 0));
  if (succeeded || failed) {
    s.stats = {
      succeeded,
      failed,
      totalDurationMs: typeof item.statsTotalDurationMs === 'number' ? item.statsTotalDurationMs : 0,
      ...(item.statsLastStatus !== undefined ? { lastStatus: item.statsLastStatus } : {}),
      ...(item.statsLastRunAt !== undefined ? { lastRunAt: item.statsLastRunAt } : {}),
      ...(item.statsLastDurationMs !== undefined ? { lastDurationMs: item.statsLastDurationMs } : {}),
    };
  }
  return s as unknown as Schedule;
};

/**
 * Schedules live in their tenant's partition. While `active` a schedule has a due-index partition,
 * and its range is the stored cursor itself, so moving `nextRunAt` moves the entry with no extra work.
 */
export class DynamoScheduleStore implements ScheduleStore, RunStatsStore {
  constructor(
    private readonly table: Table,
    private readonly o: DynamoScheduleOptions,
  ) {}

  async create(s: Schedule): Promise<void> {
    const { nextRunAt, ...fields } = s;
    const item = {
      ...Keys.schedule(s.tenantId, s.id),
      ...fields,
      [Attr.dueAt]: nextRunAt,
      [Attr.gsi3pk]: Collections.appSchedules(s.tenantId, s.appId),
      [Attr.gsiSk]: s.id,
      ...(s.state === 'active' ? { [Attr.dueShard]: Shards.schedule(s.id, this.o.shards) } : {}),
    };
    await this.table.insert(item, `schedule ${s.id}`);
  }

  async get(tenantId: string, scheduleId: string): Promise<Schedule | undefined> {
    const item = await this.table.get(Keys.schedule(tenantId, scheduleId));
    return item && toSchedule(item);
  }

  async list(tenantId: string, filter: ScheduleFilter, page: PageRequest): Promise<Page<Schedule>> {
    if (filter.appId === undefined) {
      const { PK } = Keys.tenant(tenantId);
      return pageOf<Schedule>(
        this.table,
        {
          query: (before) => ({
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: { ':pk': PK, ':prefix': 'SCH#' },
            ConsistentRead: true,
            ...(before ? { ExclusiveStartKey: Keys.schedule(tenantId, before) } : {}),
          }),
          idOf: (item) => idOf(item.SK as string),
          load: async (items) => items.map(toSchedule),
        },
        page,
      );
    }
    const pk = Collections.appSchedules(tenantId, filter.appId);
    return pageOf<Schedule>(
      this.table,
      {
        query: (before) => ({
          IndexName: Index.byParent,
          KeyConditionExpression: before ? 'G3 = :pk AND GS < :before' : 'G3 = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(before ? { ':before': before } : {}) },
        }),
        idOf: (entry) => entry.GS as string,
        load: (entries) => this.load(entries),
      },
      page,
    );
  }

  async update(update: ScheduleUpdate): Promise<Schedule | undefined> {
    const { tenantId, scheduleId, expected, change } = update;
    const b = new UpdateBuilder();
    for (const [field, value] of Object.entries(change)) if (settable.has(field)) b.set(attrOf(field), value);
    if (change.runs) b.add('runCount', change.runs);
    if (change.skips) b.add('skipCount', change.skips);
    if (change.state !== undefined) {
      if (change.state === 'active') b.set(Attr.dueShard, Shards.schedule(scheduleId, this.o.shards));
      else b.remove(Attr.dueShard);
    }
    const key = Keys.schedule(tenantId, scheduleId);
    if (b.isEmpty) {
      // Nothing to write: still answer whether the condition holds, as the SQLite store does.
      const item = await this.table.get(key);
      return item && (!expected || (item.state === expected.state && item[Attr.dueAt] === expected.nextRunAt))
        ? toSchedule(item)
        : undefined;
    }
    b.when(() => 'attribute_exists(PK)');
    if (expected) {
      b.when((u) => `${u.name('state')} = ${u.value(expected.state)}`);
      b.when((u) =>
        expected.nextRunAt === undefined
          ? `attribute_not_exists(${u.name(Attr.dueAt)})`
          : `${u.name(Attr.dueAt)} = ${u.value(expected.nextRunAt)}`,
      );
    }
    const item = await this.table.update(key, b);
    return item && toSchedule(item);
  }

  /**
   * Per schedule of the batch: one ADD of its counters (flat attributes: `stats` is built from them when read), then
   * the latest run's fields, set only over an older last run (stream batches of different messages may arrive out of
   * order). A deleted schedule is left alone (conditional on the item existing).
   */
  async recordRuns(outcomes: RunOutcome[]): Promise<void> {
    const bySchedule = new Map<string, RunOutcome[]>();
    for (const o of outcomes) {
      const k = `${o.tenantId}\u0000${o.scheduleId}`;
      bySchedule.set(k, [...(bySchedule.get(k) ?? []), o]);
    }
    await mapLimit([...bySchedule.values()], this.o.concurrency, async (runs) => {
      const { tenantId, scheduleId } = runs[0];
      const key = Keys.schedule(tenantId, scheduleId);
      const succeeded = runs.filter((r) => r.status === 'delivered').length;
      const counts = new UpdateBuilder()
        .add('statsSucceeded', succeeded)
        .add('statsFailed', runs.length - succeeded)
        .add(
          'statsTotalDurationMs',
          runs.reduce((t, r) => t + r.durationMs, 0),
        )
        .when(() => 'attribute_exists(PK)');
      if (!(await this.table.update(key, counts))) return;
      const last = runs.reduce((a, b) => (b.finishedAt >= a.finishedAt ? b : a));
      const latest = new UpdateBuilder()
        .set('statsLastStatus', last.status)
        .set('statsLastRunAt', last.finishedAt)
        .set('statsLastDurationMs', last.durationMs)
        .when(() => 'attribute_exists(PK)')
        .when((u) => `attribute_not_exists(${u.name('statsLastRunAt')}) OR ${u.name('statsLastRunAt')} <= ${u.value(last.finishedAt)}`);
      await this.table.update(key, latest);
    });
  }

  async updateMany(updates: ScheduleUpdate[]): Promise<(Schedule | undefined)[]> {
    // Each update stands alone (its own condition); two for the same schedule apply in order.
    return mapLimitKeyed(
      updates,
      this.o.concurrency,
      (u) => u.scheduleId,
      (u) => this.update(u),
    );
  }

  async delete(tenantId: string, scheduleId: string): Promise<Schedule | undefined> {
    const item = await this.table.delete(Keys.schedule(tenantId, scheduleId));
    return item && toSchedule(item);
  }

  async deleteAllForApp(tenantId: string, appId: string): Promise<Schedule[]> {
    const entries = await this.table.query({
      IndexName: Index.byParent,
      KeyConditionExpression: 'G3 = :pk',
      ExpressionAttributeValues: { ':pk': Collections.appSchedules(tenantId, appId) },
    });
    const deleted = await mapLimit(entries, this.o.concurrency, (e) => this.table.delete(Keys.schedule(tenantId, e.GS as string)));
    return deleted.filter((i): i is Item => i !== undefined).map(toSchedule);
  }

  async countActive(tenantId: string): Promise<number> {
    return this.table.count({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: '#state = :active',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':pk': Keys.tenant(tenantId).PK, ':prefix': 'SCH#', ':active': 'active' },
      ConsistentRead: true,
    });
  }

  async due(until: number, limit: number): Promise<Schedule[]> {
    if (limit <= 0) return [];
    const perShard = await Promise.all(
      Shards.allSchedules(this.o.shards).map((shard) =>
        this.table.query(
          {
            IndexName: Index.due,
            KeyConditionExpression: '#shard = :shard AND #due <= :until',
            ExpressionAttributeNames: { '#shard': Attr.dueShard, '#due': Attr.dueAt },
            ExpressionAttributeValues: { ':shard': shard, ':until': until },
          },
          limit,
        ),
      ),
    );
    const entries = perShard
      .flat()
      .sort((a, b) => (a.dueAt as number) - (b.dueAt as number) || ((a.SK as string) < (b.SK as string) ? -1 : 1))
      .slice(0, limit);
    // The index may lag the table on AWS: re-check what the strongly consistent read says.
    const schedules = await this.load(entries);
    return schedules.filter((s): s is Schedule => s?.state === 'active' && s.nextRunAt !== undefined && s.nextRunAt <= until);
  }

  /** Full schedules for index entries (KEYS_ONLY or INCLUDE tenantId), aligned with them. */
  private async load(entries: Item[]): Promise<(Schedule | undefined)[]> {
    const found = new Map(
      (await this.table.batchGet(entries.map((e) => ({ PK: e.PK as string, SK: e.SK as string })))).map((i) => [
        i.SK as string,
        toSchedule(i),
      ]),
    );
    return entries.map((e) => found.get(e.SK as string));
  }
}
