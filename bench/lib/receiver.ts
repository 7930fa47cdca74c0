import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defer } from './cleanup';
import { sleep, wallNow } from './stats';

/** One webhook as it arrived. */
export interface Arrival {
  /** Wall-clock ms when the request headers arrived. */
  at: number;
  /** `punctual-scheduled-at` (the message's sendAt) in epoch ms. */
  sendAt: number;
}

/**
 * A loopback webhook receiver: keep-alive, answers 200 with an empty body, records the first
 * arrival of each `webhook-id` and counts repeats.
 */
export class Receiver {
  readonly arrivals = new Map<string, Arrival>();
  duplicates = 0;
  total = 0;
  /** Ids being waited for, and how many of them have arrived. */
  private awaited = new Set<string>();
  private awaitedHits = 0;
  private server?: Server;
  private closeNow?: () => Promise<void>;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const at = wallNow();
      this.total++;
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') {
        if (this.arrivals.has(id)) this.duplicates++;
        else {
          this.arrivals.set(id, { at, sendAt: Date.parse(String(req.headers['punctual-scheduled-at'])) });
          if (this.awaited.has(id)) this.awaitedHits++;
        }
      }
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-length': 0 });
        res.end();
      });
    });
    server.keepAliveTimeout = 60_000;
    server.headersTimeout = 65_000;
    server.maxRequestsPerSocket = 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.closeNow = defer(`receiver ${this.port}`, () => this.shutdown());
  }

  /** Forgets everything received so far. */
  reset(): void {
    this.arrivals.clear();
    this.duplicates = 0;
    this.total = 0;
  }

  /** Waits until every id has arrived or `deadline` (wall ms) passes; returns the missing count. */
  async waitFor(ids: Iterable<string>, deadline: number, pollMs = 50): Promise<number> {
    this.awaited = new Set(ids);
    this.awaitedHits = 0;
    for (const id of this.awaited) if (this.arrivals.has(id)) this.awaitedHits++;
    while (this.awaitedHits < this.awaited.size && Date.now() < deadline) await sleep(pollMs);
    const missing = this.awaited.size - this.awaitedHits;
    this.awaited = new Set();
    return missing;
  }

  close(): Promise<void> {
    return this.closeNow ? this.closeNow() : Promise.resolve();
  }

  private shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
