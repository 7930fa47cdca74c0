import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiContext } from '../http/api';
import { pageHeaders } from '../http/headers';
import { methodHints, routes as routeTable, type Route } from '../http/routes';
import type { Services } from '../http/services';
import { maxPayloadBytes } from '../messages/model';
import type { Logger } from '../observability/logger';
import { AbuseGuard, type AbuseGuardOptions } from './abuse';
import { type Admission, type AuthParts, authenticate, countRefusedToken } from './authenticate';
import { consoleResponder, fileConsoleAssets, type ConsoleAssets } from './console';
import { docsResponse } from './docs';
import { RouteMethodNotAllowedError, RouteNotFoundError } from './errors';
import { toEvent } from './event';
import type { EventStreams } from './events';
import { Exchange } from './exchange';
import { loadHandlers, type RouteHandler } from './handlers';
import { countRefusal, type MetricsEndpoint, serveMetrics } from './metrics';
import { parseTarget } from './parse';
import { clientErrorResponse, send, sendError, sendResult } from './respond';
import { createRouter, type Match } from './router';

/** Options of the local gateway. */
export interface GatewayOptions {
  port: number;
  host: string;
  /** Largest request body accepted. @default 256 KiB */
  maxBodyBytes?: number;
  routes?: readonly Route[];
  /** Longest a request (headers and body) may take to arrive; slower ones get 408. @default 30_000 */
  requestTimeoutMs?: number;
  /** Longest the request headers may take to arrive (slowloris). @default 10_000 */
  headersTimeoutMs?: number;
  /** Limits of the bad-credential guard (see `AbuseGuard`). */
  abuse?: Partial<AbuseGuardOptions>;
  /** Serves the streaming routes (`GET /v1/events`); without it they answer as their Lambda does (501). */
  streams?: EventStreams;
  /** Operator metrics: counts every request and serves `GET /metrics`; without it /metrics is not a path. */
  metrics?: MetricsEndpoint;
  /** The console's built files. @default console/dist, read from disk */
  console?: ConsoleAssets;
}

/** @default timeouts of the local gateway */
const timeoutDefaults = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 } as const;

export interface Gateway {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

/** What the pipeline's steps use of the gateway, built once at start. */
interface GatewayParts extends AuthParts {
  router: ReturnType<typeof createRouter>;
  handlers: Map<Route, RouteHandler>;
  /** Largest request body accepted, bytes. */
  limit: number;
  streams?: EventStreams;
  metrics?: MetricsEndpoint;
  console: ReturnType<typeof consoleResponder>;
}

/** Answers the docs paths (GET /docs, /openapi.yaml); false when `x` is not one. */
const serveDocs = (x: Exchange): boolean => {
  const docs = x.method === 'GET' ? docsResponse(x.pathname) : undefined;
  if (!docs) return false;
  x.page = '/docs';
  x.status = docs.status;
  send(x.res, docs.status, { ...pageHeaders, 'x-request-id': x.requestId, 'content-type': docs.type }, docs.body);
  return true;
};

/** Answers the console paths (GET /console, its two files); false when `x` is not one. */
const serveConsole = (gw: GatewayParts, x: Exchange): boolean => {
  if (x.method !== 'GET') return false;
  const r = gw.console({
    path: x.pathname,
    version: x.url?.searchParams.get('v'),
    ifNoneMatch: x.req.headers['if-none-match'],
    acceptEncoding: x.req.headers['accept-encoding'],
  });
  if (!r) return false;
  x.page = '/console';
  x.status = r.status;
  if (r.status === 304) {
    x.res.writeHead(304, { ...r.headers, 'x-request-id': x.requestId });
    x.res.end();
  } else send(x.res, r.status, { ...r.headers, 'x-request-id': x.requestId }, r.body);
  return true;
};

/** Matches `x` against the route table (setting `x.route`); 404 for an unknown path, 405 for a known one with another method. */
const route = (gw: GatewayParts, x: Exchange): Match => {
  const match = gw.router.match(x.method, x.pathname);
  if (!('route' in match)) {
    throw match.allowed.length
      ? new RouteMethodNotAllowedError(x.method, x.pathname, match.allowed, methodHints[`${x.method} ${match.template}`])
      : new RouteNotFoundError(x.method, x.pathname);
  }
  x.route = match.route;
  return match;
};

/** Runs the route's handler in-process, as Lambda would, with the services in its context. */
const invoke = async (gw: GatewayParts, x: Exchange, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const route = x.route!;
  const context = { awsRequestId: x.requestId, functionName: route.fn, punctual: gw.services } as unknown as ApiContext;
  const result = await gw.handlers.get(route)!(event, context);
  x.status = result.statusCode;
  return result;
};

/** The request's log line. */
const logRequest = (logger: Logger, x: Exchange): void => {
  logger.info('request', {
    requestId: x.requestId,
    method: x.method,
    route: x.route?.path ?? x.pathname.slice(0, 200),
    status: x.status,
    durationMs: Math.round((performance.now() - x.started) * 100) / 100,
    tenantId: x.key?.tenantId,
    keyId: x.key?.id,
  });
};

/** One request through the pipeline: parse → route → authenticate → to event → invoke → send; any failure answers from the error table. */
const handle = async (gw: GatewayParts, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const x = new Exchange(req, res);
  try {
    parseTarget(x);
    if (serveDocs(x) || serveConsole(gw, x) || (await serveMetrics(gw, gw.metrics, x))) return;
    const { params } = route(gw, x);
    const admitted = await authenticate(gw, x);
    if (x.route!.streams && gw.streams) return gw.streams.open(x, x.key!, admitted);
    const event = await toEvent(x, params, gw.limit);
    const result = await invoke(gw, x, event);
    countRefusedToken(gw, x);
    // The handlers' only 429 is the plan's pending-message limit (throttle and quota are the gateway's).
    if (result.statusCode === 429) gw.metrics?.metrics.refused('pending');
    sendResult(res, result, x.requestId, admitted);
  } catch (err) {
    countRefusal(gw.metrics, x, err);
    sendError(gw.logger, x, err);
  } finally {
    logRequest(gw.logger, x);
    gw.metrics?.metrics.request(x.route?.path ?? x.page ?? '(unmatched)', x.method, x.status);
  }
};

/**
 * The embedded runtime's API Gateway: routes with the shared route table, authenticates
 * `x-api-key` against stored hashes, enforces the body limit, and invokes the same handlers the
 * Lambdas run, with API Gateway-shaped events.
 */
export const startGateway = async (services: Services, options: GatewayOptions, admission?: Admission): Promise<Gateway> => {
  const routes = options.routes ?? routeTable;
  const logger = services.logger;
  const gw: GatewayParts = {
    services,
    logger,
    guard: new AbuseGuard(options.abuse),
    admission,
    router: createRouter(routes),
    handlers: loadHandlers(routes),
    limit: options.maxBodyBytes ?? maxPayloadBytes,
    ...(options.streams ? { streams: options.streams } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    console: consoleResponder(options.console ?? fileConsoleAssets(), { compress: true }),
  };
  // Compress the console's files now, off the event loop, so its first visitor neither waits nor stalls deliveries.
  void gw.console.prime();

  const requestTimeout = options.requestTimeoutMs ?? timeoutDefaults.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? timeoutDefaults.headersTimeoutMs, requestTimeout);
  const server = createServer(
    // Node checks these timeouts every `connectionsCheckingInterval` (30 s by default): check often enough to honour them.
    { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout) },
    (req, res) =>
      void handle(gw, req, res).catch((err: unknown) => {
        // The last line of defence: one request must never take the process down.
        logger.error('request handler failed', { err });
        if (!res.headersSent) res.destroy();
      }),
  );
  server.keepAliveTimeout = 5_000;
  // Malformed requests, oversized headers and timeouts get the JSON error body too, not Node's bare status line.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      socket.end(clientErrorResponse(err.code));
      setTimeout(() => socket.destroy(), 5_000).unref();
    } else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end on their own: end them, or the server would wait for them forever.
        options.streams?.close();
        server.closeIdleConnections();
      }),
  };
};
