import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How to answer the n-th request (1-based) to a path. */
export type Responder = (req: Received, n: number, res: ServerResponse) => { status: number; headers?: Record<string, string>; body?: string } | void;

/** A real HTTP receiver on 127.0.0.1 with a random port that records every request. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests whose path is `path`. */
  on(path: string): Received[];
  /** Sets the answer for a path (default 200 "ok"). */
  respond(path: string, responder: Responder): void;
  /** Resolves when `count` requests reached `path`, or rejects after `timeoutMs`. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export const startReceiver = async (): Promise<Receiver> => {
  const received: Received[] = [];
  const responders = new Map<string, Responder>();
  const counts = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const r: Received = { at: Date.now(), path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const answer = responders.get(path)?.(r, n, res);
      waiters.splice(0).forEach((w) => w());
      if (res.writableEnded || res.headersSent) return;
      if (answer === undefined && responders.has(path)) return; // the responder took over (e.g. hangs)
      res.writeHead(answer?.status ?? 200, answer?.headers ?? { 'content-type': 'text/plain' });
      res.end(answer?.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const on = (path: string) => received.filter((r) => r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on,
    respond: (path, responder) => void responders.set(path, responder),
    waitFor: (path, count, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`receiver: ${on(path).length}/${count} requests to ${path} within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (on(path).length >= count) {
            clearTimeout(deadline);
            resolve(on(path));
          } else waiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
