/** One delivery slot a tenant holds, to give back when its attempt ends. */
export interface SlotLease {
  tenantId: string;
  /** The counter it was taken from (slots are counted per generation, see the adapter). */
  generation: number;
}

/**
 * Per-tenant delivery admission shared by every invocation of the AWS deliver function, so the caps hold
 * across containers: counters in the table (libs/store/dynamodb/counters.ts). The embedded engine keeps
 * the same counts in memory instead (its dispatcher and `MinuteBudgets`).
 */
export interface TenantCounters {
  /** Takes one of the tenant's delivery slots if it holds fewer than `cap`; returns the lease, or undefined when it holds `cap`. */
  acquireSlot(tenantId: string, cap: number, now: number): Promise<SlotLease | undefined>;
  /** Gives a slot back when its attempt has ended. */
  releaseSlot(lease: SlotLease): Promise<void>;
  /**
   * Counts `count` attempts of the tenant in the UTC minute of `now` if that keeps the minute's count within
   * `limit`; returns whether it did (all or none).
   */
  countAttempts(tenantId: string, count: number, limit: number, now: number): Promise<boolean>;
}
