/** How many attempts a tenant may start per minute: the lower of its plan's and the operator's cap; undefined for no limit. */
export const attemptsPerMinuteOf = (planLimit: number | undefined, operatorLimit: number | undefined): number | undefined =>
  planLimit === undefined ? operatorLimit : operatorLimit === undefined ? planLimit : Math.min(planLimit, operatorLimit);

/** The start of the UTC minute after `now`: when a tenant's spent budget comes back. */
export const nextMinuteAt = (now: number): number => (Math.floor(now / 60_000) + 1) * 60_000;

/**
 * Per-tenant attempt budgets of the embedded engine, in fixed UTC-minute windows (the AWS engine keeps the
 * same counts in its table). A window's counts are dropped when the next minute begins, so memory holds
 * only the tenants that delivered this minute. Fixed windows let a tenant start up to twice its budget
 * across a minute boundary; that is the price of one counter per tenant.
 */
export class MinuteBudgets {
  private minute = -1;
  private readonly used = new Map<string, number>();
  /** Tenants that met their limit in the current minute. */
  private readonly spent = new Set<string>();

  /** Counts one attempt of `tenantId` if fewer than `limit` were counted this minute; returns whether it did. */
  take(tenantId: string, limit: number | undefined, now: number): boolean {
    if (limit === undefined) return true;
    this.roll(now);
    const n = this.used.get(tenantId) ?? 0;
    if (n >= limit) {
      this.spent.add(tenantId);
      return false;
    }
    this.used.set(tenantId, n + 1);
    return true;
  }

  /** Whether `tenantId` was refused an attempt this minute (its due messages may wait for the next without asking). */
  isSpent(tenantId: string, now: number): boolean {
    this.roll(now);
    return this.spent.has(tenantId);
  }

  private roll(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute === this.minute) return;
    this.minute = minute;
    this.used.clear();
    this.spent.clear();
  }
}
