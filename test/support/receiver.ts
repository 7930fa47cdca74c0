import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  at: number;
  /** The request method (POST unless the app's target says otherwise). */
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: equal for two requests means one kept-alive connection. */
  remotePort?: number;
}

/** How to answer the n-th request (1-based) to a path. */
export type Responder = (
  req: Received,
  n: number,
  res: ServerResponse,
  // biome-ignore lint/suspicious/noConfusingVoidType: a responder that answers (or hangs) on its own returns nothing
) => { status: number; headers?: Record<string, string>; body?: string } | void;

/** Where the receiver listens and how it waits; the defaults suit every test on this machine. */
export interface ReceiverOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /**
   * A public URL that forwards to the port (a tunnel, for a deployed stage). When set, `url` is it plus a
   * fresh path prefix of this receiver's own. @default none: `url` is the receiver's own address
   */
  publicUrl?: string;
  /** Stretches the timeout of `waitFor` (against a stage, where deliveries take longer). @default unchanged */
  patience?: (ms: number) => number;
}

/**
 * A real HTTP receiver on 127.0.0.1 that records every request. By default it takes a random port and
 * `url` is its own. Behind a `publicUrl` (a tunnel from a deployed stage) `url` is that URL plus a fresh
 * path prefix: a request without the prefix (a late retry from an earlier file or run, a stray visitor) is
 * answered 404 and not recorded, and paths are recorded with the prefix removed, so tests read the same either way.
 */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests whose path is `path`. */
  on(path: string): Received[];
  /**
   * Sets the answer for a path (default 200 "ok"), or for every path a pattern matches (an exact path wins).
   * A responder that returns nothing has taken the response over (it answers later, or never).
   */
  respond(path: string | RegExp, responder: Responder): void;
  /** Resolves when `count` requests reached `path`, or rejects after `timeoutMs` (stretched by `patience`). */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

const defaults = { port: 0, patience: (ms: number) => ms };

export const startReceiver = async (options: ReceiverOptions = {}): Promise<Receiver> => {
  const { port: listenOn, publicUrl, patience } = { ...defaults, ...options };
  const received: Received[] = [];
  const responders = new Map<string, Responder>();
  const patterns: [RegExp, Responder][] = [];
  const responderOf = (path: string) => responders.get(path) ?? patterns.find(([pattern]) => pattern.test(path))?.[1];
  const counts = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const tag = `/e2e-${randomBytes(6).toString('hex')}`;
  // The path requests arrive with: a tunnel forwards the public URL's path unchanged.
  const prefix = publicUrl ? `${new URL(publicUrl).pathname.replace(/\/$/, '')}${tag}` : '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const full = new URL(req.url ?? '/', 'http://x').pathname;
      if (prefix && full !== prefix && !full.startsWith(`${prefix}/`)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return void res.end('not this receiver');
      }
      const path = full.slice(prefix.length) || '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { at: Date.now(), method: req.method ?? '', path, headers: req.headers, body, remotePort: req.socket.remotePort };
      received.push(r);
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const responder = responderOf(path);
      const answer = responder?.(r, n, res);
      for (const w of waiters.splice(0)) w();
      if (res.writableEnded || res.headersSent) return;
      if (answer === undefined && responder) return; // the responder took over (e.g. hangs)
      res.writeHead(answer?.status ?? 200, answer?.headers ?? { 'content-type': 'text/plain' });
      res.end(answer?.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOn, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const on = (path: string) => received.filter((r) => r.path === path);
  return {
    url: publicUrl ? `${publicUrl}${tag}` : `http://127.0.0.1:${port}`,
    received,
    on,
    respond: (path, responder) => void (typeof path === 'string' ? responders.set(path, responder) : patterns.push([path, responder])),
    waitFor: (path, count, timeout = 15_000) =>
      new Promise((resolve, reject) => {
        const timeoutMs = patience(timeout);
        const deadline = setTimeout(
          () => reject(new Error(`receiver: ${on(path).length}/${count} requests to ${path} within ${timeoutMs} ms`)),
          timeoutMs,
        );
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
