import { apiBase, session, suspension } from './api';

/** One live event as the stream delivers it (see `GET /v1/events`). */
export interface LiveEvent {
  id?: string;
  type: string;
  data: Record<string, unknown>;
}

/** How the console is kept current: a live stream, polling (the server has no stream: AWS), or nothing yet. */
export type LiveMode = 'connecting' | 'live' | 'polling';

type Listener = (e: LiveEvent) => void;

/** Options of the live feed. */
export interface LiveOptions {
  /** How often to refresh when the server holds no stream (AWS answers 501). @default 5_000 */
  pollMs: number;
  /** How long to wait before reconnecting a dropped stream, doubling up to 30 s. @default 1_000 */
  retryMs: number;
}

/** Splits an SSE text buffer into complete events (blank-line terminated); returns them and the unfinished rest. */
export const parseSse = (buffer: string): { events: LiveEvent[]; rest: string } => {
  const events: LiveEvent[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) continue;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(data.join('\n')) as Record<string, unknown>;
    } catch {
      continue;
    }
    events.push({ ...(id !== undefined ? { id } : {}), type, data: parsed });
  }
  return { events, rest };
};

/**
 * The tenant's live events, read with `fetch` streaming (EventSource cannot send `x-api-key`), reconnecting with
 * `Last-Event-ID`. Where the server has no stream (501: the AWS runtime) it falls back to a `tick` event every
 * `pollMs`, on which the pages refetch what they show.
 */
export class LiveFeed {
  private readonly o: LiveOptions;
  private readonly listeners = new Set<Listener>();
  private readonly modeListeners = new Set<(m: LiveMode) => void>();
  private controller: AbortController | undefined;
  private timer: number | undefined;
  private lastId: string | undefined;
  private backoff: number;
  private stopped = true;
  mode: LiveMode = 'connecting';

  constructor(options: Partial<LiveOptions> = {}) {
    this.o = { pollMs: 5_000, retryMs: 1_000, ...options };
    this.backoff = this.o.retryMs;
  }

  /** Listens to every event (and `tick` while polling); returns how to stop. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onMode(listener: (m: LiveMode) => void): () => void {
    this.modeListeners.add(listener);
    return () => this.modeListeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    window.clearTimeout(this.timer);
    window.clearInterval(this.timer);
    this.lastId = undefined;
  }

  private setMode(m: LiveMode): void {
    this.mode = m;
    for (const l of this.modeListeners) l(m);
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.controller = new AbortController();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const key = session.key();
    if (key) headers['x-api-key'] = key;
    if (this.lastId) headers['last-event-id'] = this.lastId;
    try {
      const res = await fetch(`${apiBase()}/v1/events`, { headers, signal: this.controller.signal });
      if (res.status === 501 || res.status === 404) return this.poll();
      if (res.status === 403) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        if (body.error === 'tenant_suspended') suspension.note(true);
      }
      if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`);
      suspension.note(false);
      this.setMode('live');
      this.backoff = this.o.retryMs;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const { events, rest } = parseSse(buffer + value);
        buffer = rest;
        for (const e of events) {
          if (e.id) this.lastId = e.id;
          this.emit(e);
        }
      }
    } catch {
      // Aborted (sign-out, page change) or dropped: reconnect below unless stopped.
    }
    if (this.stopped) return;
    this.setMode('connecting');
    this.timer = window.setTimeout(() => void this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, 30_000);
  }

  private poll(): void {
    this.setMode('polling');
    this.timer = window.setInterval(() => this.emit({ type: 'tick', data: {} }), this.o.pollMs);
  }
}

/** The one feed of the page. */
export const live = new LiveFeed();
