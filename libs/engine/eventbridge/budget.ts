import type { TenantCounters } from '../counters';

/**
 * A tenant's attempts per minute on AWS, counted in the table across invocations but a block at a time:
 * a container takes a block of its tenant's minute (one conditional write) and spends it locally, so a
 * counted attempt costs a fraction of a write. The price: a block a container does not spend before the
 * minute ends is lost, so a tenant may start a little fewer attempts than its limit (at most a block per
 * warm container per minute).
 */
export class AttemptBudget {
  /** Per tenant: the minute of its block, and the attempts left in it. */
  private readonly blocks = new Map<string, { minute: number; left: number }>();

  constructor(private readonly counters: Pick<TenantCounters, 'countAttempts'>) {}

  /** The block a container takes of a limit: a fiftieth of it, from 1 to 20 attempts. */
  static blockOf(limit: number): number {
    return Math.max(1, Math.min(20, Math.floor(limit / 50)));
  }

  /** Spends one attempt of the tenant's minute, taking a block when this container has none left; returns whether it may go ahead. */
  async take(tenantId: string, limit: number, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60_000);
    const b = this.blocks.get(tenantId);
    if (b && b.minute === minute && b.left > 0) {
      b.left--;
      return true;
    }
    if (this.blocks.size > 10_000) this.blocks.clear(); // old minutes' blocks are worthless; bound the memory
    // The whole block, or (near the limit) a single attempt.
    for (const size of new Set([AttemptBudget.blockOf(limit), 1])) {
      if (await this.counters.countAttempts(tenantId, size, limit, now)) {
        this.blocks.set(tenantId, { minute, left: size - 1 });
        return true;
      }
    }
    this.blocks.set(tenantId, { minute, left: 0 });
    return false;
  }
}
