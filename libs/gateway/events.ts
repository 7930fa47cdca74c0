import type { EventHub, Listener, Missed } from '../events/hub';
import type { LiveEvent } from '../events/model';
import type { ApiKey } from '../keys/model';
import type { Exchange } from './exchange';

/** Options of the embedded gateway's event streams (`GET /v1/events`). */
export interface EventStreamOptions {
  /** How often an idle stream gets a comment line, so proxies and clients see it alive. @default 15_000 */
  heartbeatMs: number;
  /** Bytes a stream may have waiting to be sent; past it the client is too slow and is dropped. @default 1 MiB */
  maxBufferedBytes: number;
  /** The reconnection delay the stream suggests to clients (`retry:`), ms. @default 3_000 */
  retryMs: number;
}

export const eventStreamDefaults: EventStreamOptions = { heartbeatMs: 15_000, maxBufferedBytes: 1024 * 1024, retryMs: 3_000 };

/** An SSE frame per event, built once however many streams send it. */
const frames = new WeakMap<LiveEvent, string>();
const frameOf = (e: LiveEvent): string => {
  let f = frames.get(e);
  if (f === undefined) {
    // JSON.stringify never emits a raw newline, so the data fits one `data:` line.
    f = `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
    frames.set(e, f);
  }
  return f;
};

/** The `Last-Event-ID` header (or `lastEventId` query parameter, for clients that cannot set headers); null when absent. */
const lastEventIdOf = (x: Exchange): number | null => {
  const raw = x.req.headers['last-event-id'] ?? x.url?.searchParams.get('lastEventId') ?? undefined;
  if (raw === undefined || raw === '') return null;
  // Not one of ours (another server's, or garbage): nothing can be resumed from it.
  return typeof raw === 'string' && /^\d{1,17}$/.test(raw) ? Number(raw) : -1;
};

/** One open stream. */
interface Stream {
  x: Exchange;
  key: ApiKey;
  unsubscribe: () => void;
}

/**
 * Server-Sent Events over the event hub: one response per client, kept open. A stream is written to directly, never
 * awaited: a client that reads too slowly piles up bytes in its socket's buffer, and past `maxBufferedBytes` it is
 * dropped (it reconnects with `Last-Event-ID` and resumes), so one slow reader costs memory up to that bound and
 * never slows a delivery or another stream.
 */
export class EventStreams {
  private readonly o: EventStreamOptions;
  private readonly streams = new Set<Stream>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: EventHub,
    options: Partial<EventStreamOptions> = {},
  ) {
    this.o = { ...eventStreamDefaults, ...options };
  }

  /** Streams open now. */
  get size(): number {
    return this.streams.size;
  }

  /** Answers the authenticated request `x` with the stream of its key's events (a data key: its app's only). */
  open(x: Exchange, key: ApiKey, headers: Record<string, string> | undefined): void {
    const { req, res } = x;
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back in their buffers.
      'x-accel-buffering': 'no',
      'x-request-id': x.requestId,
    });
    x.status = 200;
    const stream: Stream = { x, key, unsubscribe: () => undefined };
    const listener: Listener = {
      ...(key.scope === 'data' && key.appId ? { appId: key.appId } : {}),
      receive: (events) => this.write(stream, events.map(frameOf).join('')),
    };
    const last = lastEventIdOf(x);
    const { missed, unsubscribe } = this.hub.subscribe(key.tenantId, listener, last ?? undefined);
    stream.unsubscribe = unsubscribe;
    this.streams.add(stream);
    res.on('close', () => this.drop(stream));
    this.write(stream, `retry: ${this.o.retryMs}\n: connected\n\n${this.replay(missed)}`);
    this.heartbeat ??= setInterval(() => this.beat(), this.o.heartbeatMs).unref();
  }

  /** Ends the streams of a key (it was revoked): a revoked key reads nothing more. */
  endKey(keyId: string): void {
    for (const s of this.streams) if (s.key.id === keyId) this.end(s);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    for (const s of this.streams) this.end(s);
    this.stopHeartbeat();
  }

  /** The missed events, or a `reset` event when they cannot be known: the client should reload what it shows. */
  private replay(missed: Missed): string {
    if ('gap' in missed) return 'event: reset\ndata: {"reason":"the events after Last-Event-ID are no longer known; reload"}\n\n';
    return missed.events.map(frameOf).join('');
  }

  private write(s: Stream, text: string): void {
    const res = s.x.res;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > this.o.maxBufferedBytes) {
      // Too slow: drop it rather than buffer without bound. It reconnects and resumes from its Last-Event-ID.
      res.destroy();
      this.drop(s);
      return;
    }
    res.write(text);
  }

  private beat(): void {
    for (const s of this.streams) this.write(s, ': keep-alive\n\n');
  }

  private end(s: Stream): void {
    this.drop(s);
    if (!s.x.res.writableEnded) s.x.res.end();
  }

  private drop(s: Stream): void {
    if (!this.streams.delete(s)) return;
    s.unsubscribe();
    if (!this.streams.size) this.stopHeartbeat();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
