import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { patience } from '../../e2e/support/local-only';
import { stageFromEnv } from '../../e2e/support/stage-env';

/** One request the receiver got. */
export interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How to answer the n-th request (1-based) to a path. */
export type Responder = (
  req: Received,
  n: number,
  res: ServerResponse,
) => { status: number; headers?: Record<string, string>; body?: string } | void;

/**
 * A real HTTP receiver on 127.0.0.1 that records every request. Locally it takes a random port and
 * `url` is its own. Against a deployed stage it listens on PUNCTUAL_E2E_RECEIVER_PORT, where a tunnel
 * from PUNCTUAL_E2E_RECEIVER_URL forwards, and `url` is the public URL plus a fresh path prefix: a
 * request without the prefix (a late retry from an earlier file or run, a stray visitor) is answered
 * 404 and not recorded, and paths are recorded with the prefix removed, so tests read the same either way.
 */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests whose path is `path`. */
  on(path: string): Received[];
  /** Sets the answer for a path (default 200 "ok"). */
  respond(path: string, responder: Responder): void;
  /** Resolves when `count` requests reached `path`, or rejects after `timeoutMs` (stretched against a stage: see `patience`). */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export const startReceiver = async (): Promise<Receiver> => {
  const received: Received[] = [];
  const responders = new Map<string, Responder>();
  const counts = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const stage = stageFromEnv();
  const tag = `/e2e-${randomBytes(6).toString('hex')}`;
  // The path requests arrive with: a tunnel forwards the public URL's path unchanged.
  const prefix = stage ? `${new URL(stage.receiverUrl).pathname.replace(/\/$/, '')}${tag}` : '';
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' && stage
          ? new Error(
              `the receiver port ${stage.receiverPort} (PUNCTUAL_E2E_RECEIVER_PORT) is in use: run test files one at a time (npm run e2e:stage does, with --runInBand) and stop anything else on it`,
            )
          : err,
      ),
    );
    server.listen(stage?.receiverPort ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const on = (path: string) => received.filter((r) => r.path === path);
  return {
    url: stage ? `${stage.receiverUrl}${tag}` : `http://127.0.0.1:${port}`,
    received,
    on,
    respond: (path, responder) => void responders.set(path, responder),
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
