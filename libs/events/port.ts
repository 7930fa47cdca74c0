import type { EventData, EventType } from './model';

/**
 * Where the services, the engine's outcome writer and the schedule materialiser announce what changed. Embedded:
 * an in-memory hub behind `GET /v1/events` (libs/events/hub.ts); AWS, where no stream is served: `noEvents`.
 */
export interface EventSink {
  /** Whether anyone may see `tenantId`'s events now: publishers skip building events nobody would see. */
  watched(tenantId: string): boolean;
  /**
   * Announces one event of `tenantId`. Never throws and never waits: it must cost next to nothing when no one of the
   * tenant listens, and a slow listener must never slow the caller (a delivery, a request).
   */
  publish(tenantId: string, type: EventType, data: EventData): void;
}

/** A sink that drops everything (AWS runtime, tests that do not watch). */
export const noEvents: EventSink = { watched: () => false, publish: () => undefined };
