/**
 * The single-table layout of the DynamoDB store: attribute and index names and the key builders.
 * `libs/store/dynamodb.md` explains the design; `infra/table.ts` turns these names into the table.
 */

/** Attribute names that carry keys (the base table's and the indexes'). */
export const Attr = {
  pk: 'PK',
  sk: 'SK',
  /** Partition of the `due` index: set only while a message is `scheduled` or a schedule `active`. */
  dueShard: 'dueShard',
  /** Range of the `due` index: a message's `dueAt`, a schedule's `nextRunAt` (stored under this name). */
  dueAt: 'dueAt',
  gsi2pk: 'G2',
  gsi3pk: 'G3',
  gsi4pk: 'G4',
  /**
   * The range of every collection index (byTenant, byParent, bySchedule): an item that is in several (a message, a
   * key) has the same position, its id, in each, so it stores it once.
   */
  gsiSk: 'GS',
  /** Epoch seconds the table's TTL deletes the item after (idempotency records, old attempts). */
  ttl: 'ttl',
} as const;

/** Index names. */
export const Index = {
  /** Sharded timeline of what the engines must act on: scheduled messages by dueAt, active schedules by nextRunAt. */
  due: 'due',
  /** Per-tenant collections, newest first: messages, keys, usage rows; and the list of tenants. */
  byTenant: 'byTenant',
  /** Per-parent collections: messages and schedules of an app; a key by its hash. */
  byParent: 'byParent',
  /** Messages (runs) of a schedule. */
  bySchedule: 'bySchedule',
} as const;

/** Base-table keys and index key values, one builder per item type. */
export const Keys = {
  tenant: (tenantId: string) => ({ PK: `TEN#${tenantId}`, SK: 'TENANT' }),
  app: (tenantId: string, appId: string) => ({ PK: `TEN#${tenantId}`, SK: `APP#${appId}` }),
  schedule: (tenantId: string, scheduleId: string) => ({ PK: `TEN#${tenantId}`, SK: `SCH#${scheduleId}` }),
  key: (keyId: string) => ({ PK: `KEY#${keyId}`, SK: 'KEY' }),
  message: (messageId: string) => ({ PK: `MSG#${messageId}`, SK: 'MSG' }),
  /** Zero-padded so attempts sort by number within the message's partition. */
  attempt: (messageId: string, attempt: number) => ({ PK: `MSG#${messageId}`, SK: `ATT#${String(attempt).padStart(6, '0')}` }),
  idempotency: (appId: string, key: string) => ({ PK: `IDEM#${appId}#${key}`, SK: 'IDEM' }),
  usage: (keyId: string, date: string) => ({ PK: `USE#${keyId}`, SK: date }),
  /** AWS engine: a tenant's delivery slots in use during one generation (libs/store/dynamodb/counters.ts). */
  slotCounter: (tenantId: string, generation: number) => ({ PK: `CNT#${tenantId}`, SK: `SLOT#${generation}` }),
  /** AWS engine: a tenant's attempts started in one UTC minute. */
  attemptCounter: (tenantId: string, minute: number) => ({ PK: `CNT#${tenantId}`, SK: `ATT#${minute}` }),
  /** A tenant's scheduled messages, counted from the table stream (libs/store/dynamodb/pending.ts). */
  tenantPending: (tenantId: string) => ({ PK: `TEN#${tenantId}`, SK: 'PENDING' }),
  /** A key's scheduled messages, counted from the table stream. */
  keyPending: (keyId: string) => ({ PK: `KEY#${keyId}`, SK: 'PENDING' }),
  /** AWS: which of our keys an API Gateway key id belongs to (write-once). */
  gatewayKey: (gatewayKeyId: string) => ({ PK: `GWKEY#${gatewayKeyId}`, SK: 'GWKEY' }),
  /** AWS: the API Gateway key id of one of our keys, beside the key in its partition (write-once). */
  keyGateway: (keyId: string) => ({ PK: `KEY#${keyId}`, SK: 'GWKEY' }),
} as const;

/**
 * Partition values of the collection indexes. Every one names the tenant, so a query never crosses tenants; the only
 * exception is the operator's list of tenants.
 */
export const Collections = {
  /** Every tenant (operator administration), in one partition: tenants are few next to their messages. */
  allTenants: 'TENANTS',
  tenantMessages: (tenantId: string) => `T#${tenantId}#MSG`,
  /** The tenant a `tenantMessages` partition names (a message item stores its tenant only there). */
  tenantOfMessages: (collection: string) => collection.slice(2, collection.lastIndexOf('#')),
  tenantKeys: (tenantId: string) => `T#${tenantId}#KEY`,
  tenantUsage: (tenantId: string) => `T#${tenantId}#USE`,
  appMessages: (tenantId: string, appId: string) => `T#${tenantId}#APP#${appId}#MSG`,
  appSchedules: (tenantId: string, appId: string) => `T#${tenantId}#APP#${appId}#SCH`,
  keyHash: (hash: string) => `HASH#${hash}`,
  scheduleMessages: (tenantId: string, scheduleId: string) => `T#${tenantId}#SCH#${scheduleId}#MSG`,
  /** The parent an `appMessages` or `scheduleMessages` partition names (a message item stores them only there). */
  parentOfMessages: (collection: string) => collection.split('#')[3],
} as const;

/** The id after a key prefix (`MSG#msg_…` → `msg_…`). */
export const idOf = (key: string): string => key.slice(key.lastIndexOf('#') + 1);

/** FNV-1a: a stable, well-spread hash of an id, so an item keeps its shard across writes. */
const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/** Due-index partitions: `DUE#MSG#<n>` / `DUE#SCH#<n>` with n = hash(id) mod shards. */
export const Shards = {
  message: (id: string, shards: number) => `DUE#MSG#${fnv1a(id) % shards}`,
  schedule: (id: string, shards: number) => `DUE#SCH#${fnv1a(id) % shards}`,
  allMessages: (shards: number) => Array.from({ length: shards }, (_, n) => `DUE#MSG#${n}`),
  allSchedules: (shards: number) => Array.from({ length: shards }, (_, n) => `DUE#SCH#${n}`),
} as const;
