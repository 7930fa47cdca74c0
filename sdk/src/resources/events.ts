import { retryDelay } from '../backoff.js';
import { PunctualError } from '../errors.js';
import type { RequestOptions, Transport } from '../transport.js';
import type { EventData, LiveEvent, LiveEventType } from '../types.js';

/** Options of `p.events()`. */
export interface EventsOptions {
  /** Start after this event (the `id` of the last one you handled): what happened since is sent first, for up to 10 minutes. */
  lastEventId?: string;
  /** Ends the stream: the loop then finishes without an error (the connection is closed). */
  signal?: AbortSignal;
  /** How long to wait for a connection's headers. @default the client's `timeoutMs` */
  timeoutMs?: number;
  /**
   * A connection that brings nothing, not even the server's keep-alive comment (every 15 s), for this long is
   * taken for dead and replaced. @default 45000
   */
  idleTimeoutMs?: number;
}

/** Option values used when the caller gives none. */
export const defaults = {
  idleTimeoutMs: 45_000,
} as const satisfies Partial<EventsOptions>;

/** What reconnecting needs from the client's options. */
export interface ReconnectPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Statuses worth another connection: the server or the path to it is struggling. 501 (the AWS runtime) never changes. */
const reconnectable = (status: number): boolean => status === 0 || status === 408 || status === 429 || (status >= 500 && status !== 501);

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** One event block of the stream, as the SSE fields give it. */
interface Frame {
  id?: string;
  event: string;
  data: string[];
}

/**
 * Splits a `text/event-stream` into frames (the HTML standard's rules, as far as punctual uses them): lines end in
 * LF, CRLF or CR; `:` starts a comment; a blank line ends a frame, which counts only when it had `data`.
 */
export class SseParser {
  #buffer = '';
  #frame: Frame = { event: 'message', data: [] };

  /** Feeds decoded text; returns the frames it completed. */
  push(text: string): Frame[] {
    let pending = this.#buffer + text;
    // A CR at the end may be the first half of a CRLF: keep it for the next chunk rather than end a line twice.
    const heldCr = pending.endsWith('\r');
    if (heldCr) pending = pending.slice(0, -1);
    const frames: Frame[] = [];
    const lines = pending.split(/\r\n|\r|\n/);
    // The last piece has no line end yet.
    this.#buffer = (lines.pop() ?? '') + (heldCr ? '\r' : '');
    for (const line of lines) {
      if (line === '') {
        if (this.#frame.data.length) frames.push(this.#frame);
        this.#frame = { event: 'message', data: [] };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.#frame.data.push(value);
      else if (field === 'event') this.#frame.event = value;
      else if (field === 'id' && !value.includes('\0')) this.#frame.id = value;
    }
    return frames;
  }
}

const toEvent = (frame: Frame): LiveEvent | undefined => {
  let data: unknown;
  try {
    data = JSON.parse(frame.data.join('\n'));
  } catch {
    return undefined;
  }
  if (frame.event === 'reset') return { type: 'reset', data: data as { reason: string } };
  if (frame.id === undefined) return undefined;
  return { type: frame.event as LiveEventType, id: frame.id, data: data as EventData };
};

/**
 * The tenant's live events (`GET /v1/events`) as an async iterable, over `fetch` streaming. A dropped connection
 * (the server restarted, a proxy cut it, the reader was too slow, nothing came for `idleTimeoutMs`) is reopened
 * with `Last-Event-ID` set to the last event received, after a backoff that grows while connections keep failing,
 * so no event is missed (a `reset` event says when that could not be helped). Answers that will not change —
 * 401, 403, `501 not_implemented` from the AWS runtime — end the iteration with a `PunctualError`; an abort through
 * `signal` (or leaving the loop) ends it quietly.
 */
export async function* streamEvents(
  http: Transport,
  policy: ReconnectPolicy,
  options: EventsOptions = {},
): AsyncGenerator<LiveEvent, void, undefined> {
  const { signal } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? defaults.idleTimeoutMs;
  let lastEventId = options.lastEventId;
  let failures = 0;
  while (!signal?.aborted) {
    let stream: Awaited<ReturnType<Transport['openStream']>> | undefined;
    let refusal: PunctualError | undefined;
    try {
      const requestOptions: RequestOptions = {
        ...(signal ? { signal } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      };
      stream = await http.openStream(
        {
          method: 'GET',
          path: '/v1/events',
          headers: { accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) },
          credential: 'apiKey',
          retry: false,
        },
        requestOptions,
      );
      const reader = stream.response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      let idle: ReturnType<typeof setTimeout> | undefined;
      const close = stream.close;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(close, idleTimeoutMs);
      };
      try {
        for (arm(); ; arm()) {
          const { done, value } = await reader.read();
          if (done) break;
          // The consumer's time with an event is not the connection's silence.
          clearTimeout(idle);
          for (const frame of parser.push(value)) {
            const event = toEvent(frame);
            if (!event) continue;
            if (event.id !== undefined) lastEventId = event.id;
            failures = 0;
            yield event;
          }
        }
      } finally {
        clearTimeout(idle);
      }
    } catch (err) {
      if (signal?.aborted) return;
      // Opening fails only as a PunctualError; anything else there is a mistake (no apiKey), not a reason to try again.
      if (!stream && !(err instanceof PunctualError)) throw err;
      // A stream cut mid-read (an idle connection closed, a reset socket) is like one the server ended.
      if (err instanceof PunctualError) {
        if (!reconnectable(err.status)) throw err;
        refusal = err;
      }
    } finally {
      stream?.close();
    }
    if (signal?.aborted) return;
    failures++;
    const delay = retryDelay(failures, policy, refusal?.retryAfter);
    // The server asked for a longer wait than the client's retryMaxDelayMs (a used-up quota): say so rather than sit through it.
    if (delay === undefined) throw refusal;
    await sleep(delay, signal);
  }
}
