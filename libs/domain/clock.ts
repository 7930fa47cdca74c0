/** The source of time, injected so tests can use a fake clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** RFC 3339 UTC with milliseconds, the format of every timestamp in responses. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A span for humans: `90 s`, `15 min`, `24 h`, `2.5 d` (one decimal at most). */
export const spanText = (ms: number): string => {
  const fmt = (n: number) => String(Math.round(n * 10) / 10);
  if (ms < 120_000) return `${fmt(ms / 1000)} s`;
  if (ms < 7_200_000) return `${fmt(ms / 60_000)} min`;
  if (ms <= 172_800_000) return `${fmt(ms / 3_600_000)} h`;
  return `${fmt(ms / 86_400_000)} d`;
};
