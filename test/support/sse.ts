/** A Server-Sent Events client for tests of `GET /v1/events`: records every event and comment as it arrives. Tests only. */
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { eventually } from './eventually';

/** One event as received. */
export interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** An open stream. */
export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  comments: string[];
  /** Whether the server ended the stream. */
  ended: boolean;
  /** Resolves with the first event `match` accepts (waiting for it if needed). */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `GET <url>/v1/events` with `key` (and `lastEventId`); resolves once the response headers arrive. */
export const openEvents = (url: string, key: string | undefined, lastEventId?: string): Promise<SseStream> =>
  new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (key !== undefined) headers['x-api-key'] = key;
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    let req: ClientRequest | undefined;
    req = request(`${url}/v1/events`, { headers }, (res) => {
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        ended: false,
        waitFor: (match, timeoutMs = 10_000) =>
          eventually(() => stream.events.find(match), {
            timeoutMs,
            failure: () => `no matching event among ${JSON.stringify(stream.events.map((e) => [e.event, e.data.messageId]))}`,
          }),
        close: () => req?.destroy(),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          const e: Partial<SseEvent> = { event: 'message' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6)) as Record<string, unknown>;
          }
          if (e.data) stream.events.push(e as SseEvent);
        }
      });
      res.on('end', () => (stream.ended = true));
      res.on('close', () => (stream.ended = true));
      res.on('error', () => (stream.ended = true));
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
