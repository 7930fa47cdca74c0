import type { Clock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { requireControl } from '../keys/access';
import { KeyNotFoundError } from '../keys/errors';
import type { Principal } from '../keys/model';
import type { KeyStore } from '../keys/port';
import { utcDate } from './limits';
import { counterNames, zeroCounters, type UsageCounters, type UsageRow } from './model';
import type { UsageStore } from './port';

export interface UsageServiceDeps {
  usage: UsageStore;
  keys: KeyStore;
  clock: Clock;
  /** Writes buffered counters before a read (embedded meter), so reads are exact. */
  beforeRead?: () => Promise<void>;
}

/** Longest range of one usage query, in days. */
export const maxUsageRangeDays = 366;
/** @default days covered when `from` is omitted */
export const defaultUsageDays = 30;

export class UsageService {
  constructor(private readonly deps: UsageServiceDeps) {}

  /** Day rows of the tenant's usage (optionally one key's) with totals. */
  async get(p: Principal, q: { from?: string; to?: string; keyId?: string }): Promise<{ items: UsageRow[]; totals: UsageCounters }> {
    requireControl(p);
    const today = utcDate(this.deps.clock.now());
    const to = q.to ?? today;
    const from = q.from ?? utcDate(Date.parse(`${to}T00:00:00Z`) - (defaultUsageDays - 1) * 86_400_000);
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
    if (days < 0) throw new ValidationError(`from (${from}) is after to (${to})`, [{ path: 'from', issue: 'must not be after to' }]);
    if (days + 1 > maxUsageRangeDays) {
      throw new ValidationError(`the range covers ${days + 1} days; at most ${maxUsageRangeDays}`, [
        { path: 'to', issue: `at most ${maxUsageRangeDays} days after from` },
      ]);
    }
    if (q.keyId && !(await this.deps.keys.get(p.tenantId, q.keyId))) throw new KeyNotFoundError(q.keyId);
    await this.deps.beforeRead?.();
    const items = await this.deps.usage.query(p.tenantId, from, to, q.keyId);
    const totals = zeroCounters();
    for (const row of items) for (const c of counterNames) totals[c] += row[c];
    return { items, totals };
  }
}
