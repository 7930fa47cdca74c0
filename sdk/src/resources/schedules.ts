import { type Page, PagePromise } from '../page.js';
import type { RequestOptions, Transport } from '../transport.js';
import type {
  Message,
  Schedule,
  ScheduleCreateParams,
  ScheduleListParams,
  SchedulePreview,
  SchedulePreviewParams,
  ScheduleRunsParams,
  ScheduleUpdateParams,
} from '../types.js';

const path = (scheduleId: string, action = ''): string => `/v1/schedules/${encodeURIComponent(scheduleId)}${action}`;

/** Recurring rules that produce a message per occurrence: `p.schedules`. Only reads are retried (creates carry no idempotency key). */
export class Schedules {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates a schedule (`cron(...)`, `rate(...)` or `at(...)` in `timezone`); the answer has its `nextRunAt`. */
  create(params: ScheduleCreateParams, options?: RequestOptions): Promise<Schedule> {
    return this.#http.request({ method: 'POST', path: '/v1/schedules', body: params, credential: 'apiKey', retry: false }, options);
  }

  /**
   * The next `count` (default 5, at most 50) occurrences of `expression` in `timezone` from `startAt` (default now),
   * as UTC instants: exactly the runs a schedule created with these fields would make. Invalid input fails as
   * `create` would. A read, so it is retried.
   */
  preview(params: SchedulePreviewParams, options?: RequestOptions): Promise<SchedulePreview> {
    return this.#http.request({ method: 'POST', path: '/v1/schedules/preview', body: params, credential: 'apiKey', retry: true }, options);
  }

  /** One schedule, with its state, `nextRunAt`, `lastRunAt` and `runCount`. */
  get(scheduleId: string, options?: RequestOptions): Promise<Schedule> {
    return this.#http.request({ method: 'GET', path: path(scheduleId), credential: 'apiKey', retry: true }, options);
  }

  /** Schedules newest first, optionally of one app; awaitable as a page, iterable over all. */
  list(params: ScheduleListParams = {}, options?: RequestOptions): PagePromise<Schedule> {
    return new PagePromise(
      (cursor) =>
        this.#http.request<Page<Schedule>>(
          { method: 'GET', path: '/v1/schedules', query: { ...params, cursor }, credential: 'apiKey', retry: true },
          options,
        ),
      params.cursor,
    );
  }

  /** Changes any subset of the fields; a new expression, timezone or window recomputes `nextRunAt`. */
  update(scheduleId: string, params: ScheduleUpdateParams, options?: RequestOptions): Promise<Schedule> {
    return this.#http.request({ method: 'PATCH', path: path(scheduleId), body: params, credential: 'apiKey', retry: false }, options);
  }

  /** Stops future runs; past runs stay readable as messages. */
  async delete(scheduleId: string, options?: RequestOptions): Promise<void> {
    await this.#http.request({ method: 'DELETE', path: path(scheduleId), credential: 'apiKey', retry: false }, options);
  }

  /** Removes the pending run until `resume`. */
  pause(scheduleId: string, options?: RequestOptions): Promise<Schedule> {
    return this.#http.request({ method: 'POST', path: path(scheduleId, '/pause'), credential: 'apiKey', retry: false }, options);
  }

  /** Continues from the next occurrence after now (runs missed while paused are not made up). */
  resume(scheduleId: string, options?: RequestOptions): Promise<Schedule> {
    return this.#http.request({ method: 'POST', path: path(scheduleId, '/resume'), credential: 'apiKey', retry: false }, options);
  }

  /** Runs the schedule once now, without changing `nextRunAt`; resolves with the run's message. */
  trigger(scheduleId: string, options?: RequestOptions): Promise<Message> {
    return this.#http.request({ method: 'POST', path: path(scheduleId, '/trigger'), credential: 'apiKey', retry: false }, options);
  }

  /** The messages the schedule produced, newest first; awaitable as a page, iterable over all. */
  runs(scheduleId: string, params: ScheduleRunsParams = {}, options?: RequestOptions): PagePromise<Message> {
    return new PagePromise(
      (cursor) =>
        this.#http.request<Page<Message>>(
          { method: 'GET', path: path(scheduleId, '/runs'), query: { ...params, cursor }, credential: 'apiKey', retry: true },
          options,
        ),
      params.cursor,
    );
  }
}
