import type { Stores } from './port';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAppStore, DynamoKeyStore, DynamoTenantStore } from './dynamodb/accounts';
import { DynamoTenantCounters } from './dynamodb/counters';
import { DynamoMessageStore } from './dynamodb/messages';
import { DynamoPendingCounters } from './dynamodb/pending';
import { DynamoScheduleStore } from './dynamodb/schedules';
import { Table } from './dynamodb/table';
import { DynamoUsageStore } from './dynamodb/usage';

/** Options of the DynamoDB stores. */
export interface DynamoStoreOptions {
  /** Document client (the composition root builds and owns it). */
  client: DynamoDBDocumentClient;
  /** The single table (created from `infra/table.ts`). */
  tableName: string;
  /**
   * Partitions of the due index per item type; each takes ~1,000 writes/s. Readers query every
   * shard, so the value must stay the same for the life of the table's data.
   * @default 8
   */
  shards?: number;
  /**
   * Single-item writes in flight at once for a multi-item call (claim, complete, create, abort of an app).
   * @default 16
   */
  concurrency?: number;
  /**
   * How long a tenant's finished messages and their attempts are kept (its plan's `retentionDays`): set as
   * the items' TTL when they are written. Undefined keeps them.
   */
  retentionMs?: (tenantId: string) => Promise<number>;
  /**
   * A scheduled message gets a due-index entry only when due more than this after the write; nearer ones reach the
   * engine through the table stream alone (the AWS runtime turns this on). Unset: every scheduled message has one.
   */
  dueEntryBeyondMs?: number;
}

/**
 * Every store port, over one DynamoDB table; the message store also serves the AWS engine's shard pages,
 * `counters` its per-tenant caps.
 */
export type DynamoStores = Stores & {
  messages: DynamoMessageStore;
  schedules: DynamoScheduleStore;
  counters: DynamoTenantCounters;
  /** The pending-message counters the metering aggregator keeps from the stream (`messages.countPending*` read them). */
  pendingCounters: DynamoPendingCounters;
};

const defaults = { shards: 8, concurrency: 16 } as const;

/** Builds every store over the table. Nothing to close: the client belongs to the caller. */
export const createDynamoStores = (options: DynamoStoreOptions): DynamoStores => {
  const { client, tableName, retentionMs, dueEntryBeyondMs } = options;
  const shards = options.shards ?? defaults.shards;
  const concurrency = options.concurrency ?? defaults.concurrency;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  const table = new Table(client, tableName);
  return {
    tenants: new DynamoTenantStore(table),
    apps: new DynamoAppStore(table),
    keys: new DynamoKeyStore(table),
    messages: new DynamoMessageStore(table, {
      shards,
      concurrency,
      ...(retentionMs ? { retentionMs } : {}),
      ...(dueEntryBeyondMs !== undefined ? { dueEntryBeyondMs } : {}),
    }),
    schedules: new DynamoScheduleStore(table, { shards, concurrency }),
    usage: new DynamoUsageStore(table, concurrency),
    counters: new DynamoTenantCounters(table),
    pendingCounters: new DynamoPendingCounters(table, concurrency),
  };
};
