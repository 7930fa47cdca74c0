import { APIGatewayClient, GetApiKeysCommand, GetUsageCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  ApiGatewayRequests,
  gatewayRequestsByDay,
  overlayRequests,
  type RequestCount,
  tenantGatewayKeys,
  withGatewayRequests,
} from './usage';
import { UsagePlans } from './usage-plans';
import type { ApiKey } from '../keys/model';
import { zeroCounters, type UsageRow } from '../usage/model';
import type { UsageStore } from '../usage/port';

const gw = mockClient(APIGatewayClient);
const client = new APIGatewayClient({ region: 'us-east-1' });

beforeEach(() => gw.reset());

describe('gatewayRequestsByDay', () => {
  it('reads every page and dates each [used, remaining] pair from the start date', async () => {
    const pages = [
      {
        startDate: '2026-11-29',
        endDate: '2026-12-01',
        items: {
          gk1: [
            [5, 95],
            [0, 95],
            [7, 88],
          ],
        },
        position: 'p2',
      },
      {
        startDate: '2026-11-29',
        endDate: '2026-12-01',
        items: {
          gk2: [
            [1, 0],
            [2, 0],
            [3, 0],
          ],
        },
      },
    ];
    // The paginator reuses one input object across pages: record each request as it is sent.
    const sent: unknown[] = [];
    gw.on(GetUsageCommand).callsFake(async (input: object) => {
      sent.push({ ...input });
      return pages.shift();
    });
    const usage = await gatewayRequestsByDay(client, { usagePlanId: 'up-free', from: '2026-11-29', to: '2026-12-01' });
    expect(usage).toEqual(
      new Map([
        [
          'gk1',
          new Map([
            ['2026-11-29', 5],
            ['2026-11-30', 0],
            ['2026-12-01', 7],
          ]),
        ],
        [
          'gk2',
          new Map([
            ['2026-11-29', 1],
            ['2026-11-30', 2],
            ['2026-12-01', 3],
          ]),
        ],
      ]),
    );
    expect(sent).toEqual([
      { usagePlanId: 'up-free', startDate: '2026-11-29', endDate: '2026-12-01', limit: 500 },
      { usagePlanId: 'up-free', startDate: '2026-11-29', endDate: '2026-12-01', limit: 500, position: 'p2' },
    ]);
  });

  it('asks for one key when given, and is empty for a key with no usage', async () => {
    gw.on(GetUsageCommand).resolves({ startDate: '2026-11-01', endDate: '2026-11-30', items: {} });
    expect(await gatewayRequestsByDay(client, { usagePlanId: 'up-pro', keyId: 'gk9', from: '2026-11-01', to: '2026-11-30' })).toEqual(
      new Map(),
    );
    expect(gw).toHaveReceivedCommandWith(GetUsageCommand, { usagePlanId: 'up-pro', keyId: 'gk9' });
  });

  it('fails when API Gateway does, rather than count nothing', async () => {
    gw.on(GetUsageCommand).rejects(Object.assign(new Error('no such plan'), { name: 'NotFoundException' }));
    await expect(gatewayRequestsByDay(client, { usagePlanId: 'up', from: '2026-11-23', to: '2026-11-23' })).rejects.toThrow('no such plan');
  });
});

describe('ApiGatewayRequests', () => {
  /** Our records: tenant → API Gateway key id → our key id (what the table maps). */
  let directory: Record<string, Record<string, string>>;
  const tenantKeys = jest.fn(async (tenantId: string, keyId?: string) => {
    const all = Object.entries(directory[tenantId] ?? {});
    return new Map(keyId === undefined ? all : all.filter(([, ours]) => ours === keyId));
  });
  const counter = () =>
    new ApiGatewayRequests({
      client,
      usagePlans: new UsagePlans({ client, usagePlanName: (p) => `punctual-${p}-test` }),
      plans: ['free', 'pro'],
      tenantKeys,
    });
  beforeEach(() => {
    gw.on(GetUsagePlansCommand)
      .resolvesOnce({
        items: [
          { id: 'up-free', name: 'punctual-free-test' },
          { id: 'up-other', name: 'someone-elses-plan' },
        ],
        position: 'n',
      })
      .resolves({ items: [{ id: 'up-pro', name: 'punctual-pro-test' }] });
  });

  it('sums a tenant’s keys over its plans, maps them to our key ids and skips other tenants and empty days', async () => {
    directory = { ten_a: { gk1: 'key_1', gk2: 'key_2' }, ten_x: { gkX: 'key_X' } };
    gw.on(GetUsageCommand, { usagePlanId: 'up-free' }).resolves({
      startDate: '2026-11-22',
      items: {
        gk1: [
          [3, 0],
          [0, 0],
        ],
        gkX: [
          [99, 0],
          [99, 0],
        ],
      },
    });
    gw.on(GetUsageCommand, { usagePlanId: 'up-pro' }).resolves({
      startDate: '2026-11-22',
      items: {
        gk1: [
          [0, 0],
          [2, 0],
        ],
        gk2: [
          [0, 0],
          [6, 0],
        ],
      },
    });
    const counts = await counter().counts('ten_a', '2026-11-22', '2026-11-23');
    expect(counts.sort((a, b) => (a.keyId + a.date < b.keyId + b.date ? -1 : 1))).toEqual([
      { keyId: 'key_1', date: '2026-11-22', requests: 3 },
      { keyId: 'key_1', date: '2026-11-23', requests: 2 },
      { keyId: 'key_2', date: '2026-11-23', requests: 6 },
    ]);
    expect(tenantKeys).toHaveBeenCalledWith('ten_a', undefined);
    // The tenant's keys come from our records: no listing of the region's API keys.
    expect(gw).not.toHaveReceivedCommand(GetApiKeysCommand);
    expect(gw).toHaveReceivedCommandTimes(GetUsageCommand, 2);
    expect(gw).not.toHaveReceivedCommandWith(GetUsageCommand, { usagePlanId: 'up-other' });
  });

  it('asks for the one key by its API Gateway id, and caches the plan ids', async () => {
    directory = { ten_a: { gk2: 'key_2', gk22: 'key_22' } };
    gw.on(GetUsageCommand, { usagePlanId: 'up-free' }).resolves({ startDate: '2026-11-23', items: { gk2: [[4, 0]] } });
    gw.on(GetUsageCommand, { usagePlanId: 'up-pro' }).resolves({ startDate: '2026-11-23', items: {} });
    const c = counter();
    expect(await c.counts('ten_a', '2026-11-23', '2026-11-23', 'key_2')).toEqual([{ keyId: 'key_2', date: '2026-11-23', requests: 4 }]);
    expect(await c.counts('ten_a', '2026-11-23', '2026-11-23', 'key_2')).toHaveLength(1);
    expect(tenantKeys).toHaveBeenCalledWith('ten_a', 'key_2');
    expect(gw).toHaveReceivedCommandWith(GetUsageCommand, { usagePlanId: 'up-free', keyId: 'gk2' });
    expect(gw).toHaveReceivedCommandTimes(GetUsagePlansCommand, 2); // two pages, once
  });

  it('calls no GetUsage for a tenant without keys, and counts nothing for a key with no usage', async () => {
    directory = { ten_a: { gk1: 'key_1' } };
    gw.on(GetUsageCommand).resolves({ items: {} });
    expect(await counter().counts('ten_none', '2026-11-23', '2026-11-23')).toEqual([]);
    expect(gw).not.toHaveReceivedCommand(GetUsageCommand);
    expect(await counter().counts('ten_a', '2026-11-23', '2026-11-23')).toEqual([]);
    expect(gw).toHaveReceivedCommandTimes(GetUsageCommand, 2);
  });
});

describe('tenantGatewayKeys', () => {
  const keyOf = (id: string): ApiKey => ({ id, tenantId: 'ten_a', name: id, scope: 'data', plan: 'free', hash: id, createdAt: 0 });
  /** 150 keys in pages of 100, of which the odd ones have an API Gateway key. */
  const ids = Array.from({ length: 150 }, (_, i) => `key_${i}`);
  const store = {
    get: jest.fn(async (tenantId: string, keyId: string) => (tenantId === 'ten_a' && ids.includes(keyId) ? keyOf(keyId) : undefined)),
    list: jest.fn(async (tenantId: string, page: { limit: number; cursor?: string }) => {
      if (tenantId !== 'ten_a') return { items: [] };
      const start = page.cursor ? Number(page.cursor) : 0;
      const items = ids.slice(start, start + page.limit).map(keyOf);
      return start + page.limit < ids.length ? { items, nextCursor: String(start + page.limit) } : { items };
    }),
  };
  const index = {
    gatewayKeyIdsOf: jest.fn(
      async (keyIds: string[]) => new Map(keyIds.filter((k) => Number(k.slice(4)) % 2 === 1).map((k) => [`gw-${k}`, k] as const)),
    ),
  };
  const keys = tenantGatewayKeys(store, index);
  beforeEach(() => jest.clearAllMocks());

  it('maps every page of the tenant’s keys to their API Gateway ids, leaving out keys without one', async () => {
    const map = await keys('ten_a');
    expect(map.size).toBe(75);
    expect(map.get('gw-key_149')).toBe('key_149');
    expect(store.list).toHaveBeenCalledTimes(2);
    expect(index.gatewayKeyIdsOf).toHaveBeenCalledWith(ids);
  });

  it('looks up only the key asked for, and nothing for another tenant’s key or a tenant without keys', async () => {
    expect([...(await keys('ten_a', 'key_3'))]).toEqual([['gw-key_3', 'key_3']]);
    expect(store.list).not.toHaveBeenCalled();
    expect((await keys('ten_b', 'key_3')).size).toBe(0);
    expect((await keys('ten_b')).size).toBe(0);
    expect(index.gatewayKeyIdsOf).toHaveBeenCalledTimes(1);
  });
});

const row = (keyId: string, date: string, over: Partial<UsageRow> = {}): UsageRow => ({
  tenantId: 'ten_a',
  keyId,
  date,
  ...zeroCounters(),
  ...over,
});

describe('overlayRequests', () => {
  it('sets requests on existing rows, adds rows for requests only, keeps date-then-key order', () => {
    const rows = [
      row('key_1', '2026-11-22', { messagesScheduled: 4, attempts: 4, deliveries: 4 }),
      row('key_2', '2026-11-23', { messagesScheduled: 1 }),
    ];
    const counts: RequestCount[] = [
      { keyId: 'key_1', date: '2026-11-22', requests: 7 },
      { keyId: 'key_0', date: '2026-11-23', requests: 2 },
      { keyId: 'key_3', date: '2026-11-21', requests: 1 },
      { keyId: 'key_9', date: '2026-11-21', requests: 0 },
    ];
    expect(overlayRequests('ten_a', rows, counts)).toEqual([
      row('key_3', '2026-11-21', { requests: 1 }),
      row('key_1', '2026-11-22', { requests: 7, messagesScheduled: 4, attempts: 4, deliveries: 4 }),
      row('key_0', '2026-11-23', { requests: 2 }),
      row('key_2', '2026-11-23', { messagesScheduled: 1 }),
    ]);
    expect(rows[0].requests).toBe(0); // input untouched
  });
});

describe('withGatewayRequests', () => {
  it('answers queries with the stored counters and the gateway’s requests, and passes the rest through', async () => {
    const store: UsageStore = {
      increment: jest.fn(async () => undefined),
      query: jest.fn(async () => [row('key_1', '2026-11-23', { messagesScheduled: 2 })]),
      requestsSince: jest.fn(async () => 11),
    };
    const counts = jest.fn(async () => [{ keyId: 'key_1', date: '2026-11-23', requests: 5 }]);
    const usage = withGatewayRequests(store, { counts });
    expect(await usage.query('ten_a', '2026-11-01', '2026-11-30', 'key_1')).toEqual([
      row('key_1', '2026-11-23', { messagesScheduled: 2, requests: 5 }),
    ]);
    expect(store.query).toHaveBeenCalledWith('ten_a', '2026-11-01', '2026-11-30', 'key_1');
    expect(counts).toHaveBeenCalledWith('ten_a', '2026-11-01', '2026-11-30', 'key_1');
    await usage.increment([row('key_1', '2026-11-23')]);
    expect(store.increment).toHaveBeenCalledTimes(1);
    expect(await usage.requestsSince('key_1', '2026-11-01')).toBe(11);
  });
});
