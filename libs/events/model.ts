/**
 * The live events of a tenant (`GET /v1/events`): what changed and its new state, by id. Never a payload, a
 * response body or a header: an event stream is read by consoles that anyone of the tenant may open.
 */
export const EventType = {
  messageCreated: 'message.created',
  messageDelivered: 'message.delivered',
  messageFailed: 'message.failed',
  messageAborted: 'message.aborted',
  /** A `failed` or `aborted` message went back to `scheduled` (redrive). */
  messageRedriven: 'message.redriven',
  /** One finished delivery attempt, whatever it led to. */
  attempt: 'attempt',
  /** A schedule produced a run (an occurrence, or a trigger). */
  scheduleRun: 'schedule.run',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** The fields an event may carry; `appId` always (a data key sees only its app's events). Times are RFC 3339 UTC. */
export interface EventData {
  appId: string;
  messageId?: string;
  scheduleId?: string;
  /** The message's new state: `scheduled`, `delivered`, `failed`, `aborted`. */
  status?: string;
  /** The attempt number, from 1 (attempt, delivered, failed). */
  attempt?: number;
  /** The attempt's outcome: `success`, `retry`, `permanent_failure`. */
  outcome?: string;
  statusCode?: number;
  durationMs?: number;
  /** First attempts: how late the attempt started after `sendAt`, ms. */
  latenessMs?: number;
  sendAt?: string;
  /** When the retry of a `scheduled` attempt is due. */
  nextAttemptAt?: string;
  /** schedule.run: the occurrence the run is for (a trigger: now). */
  runAt?: string;
  /** schedule.run: the schedule's next occurrence, when it has one. */
  nextRunAt?: string;
  /** schedule.run: true for a run made by `POST /v1/schedules/{id}/trigger`. */
  triggered?: boolean;
}

/** One event as a subscriber receives it. */
export interface LiveEvent {
  /** Increasing across the process's life (and, being time-based, across restarts); the SSE `id:`. */
  id: number;
  type: EventType;
  data: EventData;
}
