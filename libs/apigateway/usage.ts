import { type APIGatewayClient, paginateGetUsage } from '@aws-sdk/client-api-gateway';
import { maxPageLimit } from '../domain/page';
import type { KeyStore } from '../keys/port';
import { utcDate } from '../usage/limits';
import { zeroCounters, type UsageRow } from '../usage/model';
import type { UsageStore } from '../usage/port';
import type { UsagePlans } from './usage-plans';

/** Requests made with one of our keys on one UTC day. */
export interface RequestCount {
  keyId: string;
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  requests: number;
}

const addDays = (date: string, days: number): string => utcDate(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);

/**
 * Per-day request counts of one usage plan's API Gateway keys over `from..to` (inclusive, UTC days),
 * from `GetUsage` (every page): API Gateway key id → date → requests. API Gateway answers one
 * `[used, remaining]` pair per day of the range for each key that has usage; a key without any is
 * absent (or all zeros). `keyId` (an API Gateway key id) narrows the call to one key.
 */
export const gatewayRequestsByDay = async (
  client: APIGatewayClient,
  q: { usagePlanId: string; keyId?: string; from: string; to: string },
): Promise<Map<string, Map<string, number>>> => {
  const byKey = new Map<string, Map<string, number>>();
  const input = { usagePlanId: q.usagePlanId, startDate: q.from, endDate: q.to, ...(q.keyId ? { keyId: q.keyId } : {}) };
  for await (const page of paginateGetUsage({ client, pageSize: 500 }, input)) {
    const start = page.startDate ?? q.from;
    for (const [gatewayKeyId, days] of Object.entries(page.items ?? {})) {
      const perDay = byKey.get(gatewayKeyId) ?? new Map<string, number>();
      for (const [i, [used]] of days.entries()) perDay.set(addDays(start, i), used ?? 0);
      byKey.set(gatewayKeyId, perDay);
    }
  }
  return byKey;
};

/** Options of the request counter. */
export interface ApiGatewayRequestsOptions {
  /** The client retries API Gateway's control-plane throttling itself (libs/runtime/aws-clients.ts). */
  client: APIGatewayClient;
  /** The stack's usage plans (the lookup the key mirror shares). */
  usagePlans: Pick<UsagePlans, 'idsOf'>;
  /** The catalogue's plan names: their usage plans are the ones read. */
  plans: string[];
  /**
   * API Gateway key id → our key id, for the tenant's keys (only `keyId` when given) that have an API Gateway key.
   * From our own records (the table), so reading usage needs no listing of the region's API keys.
   */
  tenantKeys: (tenantId: string, keyId?: string) => Promise<Map<string, string>>;
}

/**
 * Request counts on AWS come from API Gateway, which meters every request made with a key (our
 * Lambdas never see the throttled ones and count none). Our keys are API Gateway keys (libs/apigateway/keys.ts)
 * whose ids the table maps to ours (`tenantKeys`), and their usage is one `GetUsage` per usage plan.
 *
 * Cost per read: the tenant's keys from the table + (first use of a container's usage-plan lookup) GetUsagePlans +
 * 1 GetUsage per plan, more pages on large deployments (GetUsage without a key id pages over every key of the plan;
 * with a single key it asks for that key only). Limits: a revoked key is deleted from API Gateway, so its
 * requests are no longer reported; API Gateway's day is UTC, as ours.
 */
export class ApiGatewayRequests {
  constructor(private readonly o: ApiGatewayRequestsOptions) {}

  /** Requests per key (ours) and day of a tenant's keys (or one key) over `from..to`; days without requests are left out. */
  async counts(tenantId: string, from: string, to: string, keyId?: string): Promise<RequestCount[]> {
    const keys = await this.o.tenantKeys(tenantId, keyId);
    if (!keys.size) return [];
    const only = keys.size === 1 ? [...keys.keys()][0] : undefined;
    const sums = new Map<string, RequestCount>();
    for (const usagePlanId of await this.o.usagePlans.idsOf(this.o.plans)) {
      const usage = await gatewayRequestsByDay(this.o.client, { usagePlanId, from, to, ...(only ? { keyId: only } : {}) });
      for (const [gatewayKeyId, days] of usage) {
        const ours = keys.get(gatewayKeyId);
        if (!ours) continue; // another tenant's key in the same plan
        for (const [date, requests] of days) {
          if (!requests) continue;
          const id = `${ours}|${date}`;
          const c = sums.get(id) ?? { keyId: ours, date, requests: 0 };
          c.requests += requests; // a key moved between plans has usage in both
          sums.set(id, c);
        }
      }
    }
    return [...sums.values()];
  }
}

/**
 * `tenantKeys` of the request counter from our own records: the tenant's keys (every page, or the one asked
 * for) and, for each, the API Gateway key id the mirror recorded beside it.
 */
export const tenantGatewayKeys =
  (keys: Pick<KeyStore, 'get' | 'list'>, index: { gatewayKeyIdsOf(keyIds: string[]): Promise<Map<string, string>> }) =>
  async (tenantId: string, keyId?: string): Promise<Map<string, string>> => {
    const ids: string[] = [];
    if (keyId !== undefined) {
      if (await keys.get(tenantId, keyId)) ids.push(keyId);
    } else {
      let cursor: string | undefined;
      do {
        const page = await keys.list(tenantId, { limit: maxPageLimit, ...(cursor ? { cursor } : {}) });
        for (const k of page.items) ids.push(k.id);
        cursor = page.nextCursor;
      } while (cursor);
    }
    return ids.length ? index.gatewayKeyIdsOf(ids) : new Map();
  };

/**
 * Puts API Gateway's request counts into usage rows: a row's `requests` becomes the gateway's count
 * for its key and day (the stream aggregator never counts requests), and a key and day with requests
 * but nothing else gets a row of its own. Rows stay in the store's order, by date then key.
 */
export const overlayRequests = (tenantId: string, rows: UsageRow[], counts: RequestCount[]): UsageRow[] => {
  const byId = new Map(rows.map((r) => [`${r.keyId}|${r.date}`, { ...r }]));
  for (const c of counts) {
    const id = `${c.keyId}|${c.date}`;
    const row = byId.get(id);
    // The table's rows count only requests that came another way (ingestion from SQS): the two add up.
    if (row) row.requests += c.requests;
    else if (c.requests > 0) byId.set(id, { tenantId, keyId: c.keyId, date: c.date, ...zeroCounters(), requests: c.requests });
  }
  return [...byId.values()].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0,
  );
};

/**
 * The AWS runtime's usage store: counters from the table (written by the stream aggregator), requests
 * from API Gateway. Give it to `buildServices` as `stores.usage` so `GET /v1/usage` keeps its shape.
 * A failing API Gateway read fails the request (after the client's retries) rather than report 0 requests.
 */
export const withGatewayRequests = (store: UsageStore, requests: Pick<ApiGatewayRequests, 'counts'>): UsageStore => ({
  increment: (rows) => store.increment(rows),
  query: async (tenantId, from, to, keyId) => {
    const [rows, counts] = await Promise.all([store.query(tenantId, from, to, keyId), requests.counts(tenantId, from, to, keyId)]);
    return overlayRequests(tenantId, rows, counts);
  },
  requestsSince: (keyId, fromDate) => store.requestsSince(keyId, fromDate),
});
