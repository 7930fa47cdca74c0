import type { Clock } from '../domain/clock';
import type { Engine } from '../engine/port';
import type { MessageStore } from '../messages/port';
import type { Logger } from '../observability/logger';
import type { TenantStore } from './port';

/** Options of the held-message releaser. */
export interface HeldReleaserOptions {
  /** How often the tenants with held messages are read again, to notice a resumption made elsewhere (the CLI). @default 1_000 */
  intervalMs: number;
}

export const heldReleaserDefaults: HeldReleaserOptions = { intervalMs: 1_000 };

export interface HeldReleaserDeps {
  /** Read directly, not through a cache: the point is to see a change made elsewhere. */
  tenants: Pick<TenantStore, 'get'>;
  messages: Pick<MessageStore, 'releaseHeld' | 'tenantsWithHeld'>;
  engine: Engine;
  clock: Clock;
  logger: Logger;
  /** Forgets a tenant in the caches of this process (the tenant directory), so no delivery holds it again on a stale read. */
  forget?: (tenantId: string) => void;
}

/**
 * Gives a resumed tenant its held messages back (embedded runtime). The engine holds the due messages of a suspended tenant
 * (`scheduled`, off the due timeline); this watches the tenants it held messages for (and, at start, those the store says
 * have some), reads each again every `intervalMs`, and once one is active again puts its held messages back on the timeline,
 * due now, and hands them to the engine. A resumption through this process's API is released at once (`release`).
 */
export class HeldReleaser {
  private readonly o: HeldReleaserOptions;
  private readonly watched = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly deps: HeldReleaserDeps,
    options: Partial<HeldReleaserOptions> = {},
  ) {
    this.o = { ...heldReleaserDefaults, ...options };
  }

  /**
   * Watches the tenants with held messages (a start after a suspension, or a resumption while the server was down),
   * checks once, then on the interval.
   */
  async start(): Promise<void> {
    for (const tenantId of await this.deps.messages.tenantsWithHeld()) this.watched.add(tenantId);
    await this.check();
    this.timer = setInterval(() => void this.check(), this.o.intervalMs);
    this.timer.unref();
  }

  /** A message of this tenant was just held. */
  watch(tenantId: string): void {
    this.watched.add(tenantId);
  }

  /** Releases the tenant's held messages now if it is active (its resumption through this process). */
  async release(tenantId: string): Promise<void> {
    this.watched.add(tenantId);
    await this.running; // a pass under way may have listed the watched tenants before this one
    await this.check();
  }

  /** Stops watching; a check in progress finishes. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the watched tenants; concurrent calls share it. */
  private check(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const tenantId of [...this.watched]) {
      try {
        const tenant = await this.deps.tenants.get(tenantId);
        if (tenant?.status === 'suspended') continue;
        this.watched.delete(tenantId);
        this.deps.forget?.(tenantId);
        const now = this.deps.clock.now();
        const refs = await this.deps.messages.releaseHeld(tenantId, now, now);
        if (refs.length) {
          this.deps.logger.info('tenant resumed: its held messages are due again', { tenantId, messages: refs.length });
          await this.deps.engine.enqueue(refs);
        }
      } catch (err) {
        this.watched.add(tenantId);
        this.deps.logger.error('could not release the held messages of a resumed tenant; retrying', { err, tenantId });
      }
    }
  }
}
