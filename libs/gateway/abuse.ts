import { isIPv6 } from 'node:net';

/** Limits of the bad-credential guard. */
export interface AbuseGuardOptions {
  /** Bad credentials from one client address within `windowMs` that start a block. @default 20 */
  maxFailures: number;
  /** The window failures are counted in. @default 10_000 */
  windowMs: number;
  /** How long a blocked address gets 429 for credentials that are not valid. @default 60_000 */
  blockMs: number;
  /** Addresses tracked at once; past it the least recently seen are forgotten, so memory stays bounded. @default 10_000 */
  maxTracked: number;
}

export const abuseGuardDefaults: AbuseGuardOptions = {
  maxFailures: 20,
  windowMs: 10_000,
  blockMs: 60_000,
  maxTracked: 10_000,
};

interface Entry {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

/**
 * Slows credential guessing: after `maxFailures` unknown keys (or admin tokens) from one client
 * address within `windowMs`, further unknown credentials from it are refused with 429 for
 * `blockMs`. It is only consulted once a credential has failed, so a valid key from a blocked
 * address still passes: a guesser cannot lock a tenant out, only itself.
 */
export class AbuseGuard {
  private readonly o: AbuseGuardOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(
    options: Partial<AbuseGuardOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.o = { ...abuseGuardDefaults, ...options };
  }

  /** Seconds `client` must wait before unknown credentials are checked again; 0 when not blocked. */
  retryAfterSeconds(client: string): number {
    const e = this.entries.get(client);
    const left = e ? e.blockedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Records one bad credential from `client`; true when it starts a block. */
  fail(client: string): boolean {
    const now = this.now();
    let e = this.entries.get(client);
    if (e) this.entries.delete(client); // re-inserted below: Map order is recency order
    if (!e || now - e.windowStart >= this.o.windowMs) e = { windowStart: now, failures: 0, blockedUntil: e?.blockedUntil ?? 0 };
    e.failures++;
    let started = false;
    if (e.failures >= this.o.maxFailures && e.blockedUntil <= now) {
      e.blockedUntil = now + this.o.blockMs;
      e.failures = 0;
      e.windowStart = now;
      started = true;
    }
    this.entries.set(client, e);
    if (this.entries.size > this.o.maxTracked) this.entries.delete(this.entries.keys().next().value as string);
    return started;
  }

  /** Addresses currently tracked (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * The unit a client is counted by: its IPv4 address, or its IPv6 /64 (one host usually holds a
 * whole /64, so counting single IPv6 addresses would let it rotate past the limit).
 * Forwarded-for headers are not trusted: anyone can set them.
 */
export const clientOf = (remoteAddress: string | undefined): string => {
  if (!remoteAddress) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1];
  if (!remoteAddress.includes(':') || !isIPv6(remoteAddress)) return remoteAddress; // no colon: not IPv6, skip the big regex
  const [head, tail] = remoteAddress.replace(/%.*$/, '').toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const words = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${words
    .slice(0, 4)
    .map((w) => parseInt(w, 16).toString(16))
    .join(':')}::/64`;
};
