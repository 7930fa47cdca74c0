import type { PendingChange, UsageRow } from './model';

/** Persistence of usage counters. */
export interface UsageStore {
  /** Adds the increments to the stored counters (creating rows as needed). */
  increment(rows: UsageRow[]): Promise<void>;
  /** The tenant's rows with `from <= date <= to` (YYYY-MM-DD), optionally for one key, by date then key. */
  query(tenantId: string, from: string, to: string, keyId?: string): Promise<UsageRow[]>;
  /** A key's requests counted from `fromDate` (YYYY-MM-DD) on: restores quota counters after a restart. */
  requestsSince(keyId: string, fromDate: string): Promise<number>;
}

/**
 * Pending-message counters kept from the table's change stream (AWS), so a pending limit reads one small item instead of
 * counting a tenant's scheduled messages; the message store's `countPending*` read them.
 */
export interface PendingCounterStore {
  /** Adds the changes to the tenants' and keys' counters (summed first: one write per tenant and per key). */
  add(changes: PendingChange[]): Promise<void>;
}
