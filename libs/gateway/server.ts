import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { PayloadTooLargeError, RateLimitedError, ValidationError, type DomainError } from '../domain/errors';
import type { ApiContext } from '../http/api';
import { errorResult } from '../http/errors';
import { routes as routeTable, type Route } from '../http/routes';
import { InvalidKeyError } from '../keys/errors';
import type { ApiKey } from '../keys/model';
import { maxPayloadBytes } from '../messages/model';
import type { Services } from '../http/services';
import { AbuseGuard, clientOf, type AbuseGuardOptions } from './abuse';
import { docsResponse } from './docs';
import { apiGatewayEvent, loadHandlers } from './handlers';
import { createRouter } from './router';

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
}

/** @default timeouts of the local gateway */
const timeoutDefaults = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 } as const;

/** Plan enforcement hook: throws RateLimitedError/QuotaExceededError, or returns headers to add. */
export type Admission = (key: ApiKey, route: Route) => Promise<Record<string, string> | undefined>;

export interface Gateway {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, headers: Record<string, string | number | boolean>, body: string | Buffer) => {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const sendResult = (res: ServerResponse, result: APIGatewayProxyResult, base: Record<string, string>, extra?: Record<string, string>) => {
  // One header object per response (the handler's, then ours), rather than a copy per step.
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}), ...base, ...(extra ?? {}) };
  const body = result.body ?? '';
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(result.statusCode, headers as OutgoingHttpHeaders);
  res.end(body);
};

/** A request target that is a plain path (letters, digits, `_`, `-` between slashes): `new URL` would return it unchanged. */
const plainPath = /^(?:\/[A-Za-z0-9_-]+)+$/;

/** The client went away (or timed out) before its request arrived: there is no one to answer. */
class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

/** Reads the body up to `limit` bytes; rejects with PayloadTooLargeError past it, ClientGoneError if the client leaves. */
const readBody = (req: IncomingMessage, limit: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new PayloadTooLargeError(`request body is over ${limit / 1024} KiB`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeError(`request body is over ${limit / 1024} KiB`));
      } else chunks.push(c);
    });
    // A small body arrives in one chunk: decode it in place rather than copy it first.
    req.on('end', () => resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8')));
    req.on('error', () => reject(new ClientGoneError('the client closed the connection before its request body arrived')));
    req.on('close', () => {
      if (!req.complete) reject(new ClientGoneError('the client closed the connection before its request body arrived'));
    });
  });

/** What a malformed, oversized or too slow request gets, written on the socket (there is no response object). */
const clientErrorResponse = (code: string | undefined): string => {
  // The codes stay within the contract's ErrorCode list; the status and message tell the cases apart.
  const [status, message] =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request did not arrive in time; send it again']
      : code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : [400, 'malformed HTTP request'];
  const body = JSON.stringify({ error: 'invalid_request', message });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
};

/**
 * The embedded runtime's API Gateway: routes with the shared route table, authenticates
 * `x-api-key` against stored hashes, enforces the body limit, and invokes the same handlers the
 * Lambdas run, with API Gateway-shaped events.
 */
export const startGateway = async (services: Services, options: GatewayOptions, admission?: Admission): Promise<Gateway> => {
  const routes = options.routes ?? routeTable;
  const router = createRouter(routes);
  const handlers = loadHandlers(routes);
  const limit = options.maxBodyBytes ?? maxPayloadBytes;
  const logger = services.logger;
  const guard = new AbuseGuard(options.abuse);

  /** Refuses with 429 a credential that failed, when its client has failed too often; otherwise counts the failure. */
  const badCredential = (client: string): void => {
    const wait = guard.retryAfterSeconds(client);
    if (wait > 0) throw new RateLimitedError('too many requests with invalid credentials from this address; try again later', wait);
    if (guard.fail(client)) logger.warn('refusing invalid credentials from a client for a while', { client });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const client = clientOf(req.socket.remoteAddress);
    let pathname = '(unparsed)';
    let key: ApiKey | undefined;
    let route: Route | undefined;
    let status = 500;
    const base = { 'x-request-id': requestId };
    try {
      let url: URL | undefined;
      const target = req.url ?? '/';
      if (plainPath.test(target))
        pathname = target; // the common case: no query, nothing to normalise or decode
      else {
        try {
          // An absolute-form target (`GET http://host/path`) is parsed too; a malformed one must not escape as a rejection.
          url = new URL(target, 'http://localhost');
        } catch {
          throw new ValidationError('the request target is not a valid URL', [{ path: '(url)', issue: 'not a valid URL' }]);
        }
        pathname = url.pathname;
      }
      const docs = method === 'GET' ? docsResponse(pathname) : undefined;
      if (docs) {
        status = docs.status;
        return send(res, docs.status, { ...base, 'content-type': docs.type }, docs.body);
      }
      const match = router.match(method, pathname);
      if (!('route' in match)) {
        status = match.allowed.length ? 405 : 404;
        const body = match.allowed.length
          ? { error: 'method_not_allowed', message: `${method} is not allowed on ${pathname}; use ${match.allowed.join(', ')}` }
          : { error: 'not_found', message: `no route ${method} ${pathname}; see /docs` };
        return send(
          res,
          status,
          { ...base, 'content-type': 'application/json', ...(match.allowed.length ? { allow: match.allowed.join(', ') } : {}) },
          JSON.stringify(body),
        );
      }
      route = match.route;
      let extraHeaders: Record<string, string> | undefined;
      if (route.access === 'control' || route.access === 'data') {
        const value = req.headers['x-api-key'];
        key = typeof value === 'string' && value.length > 0 && value.length <= 200 ? await services.keys.authenticate(value) : undefined;
        if (!key) {
          // A missing key is a mistake, not a guess: it gets the plain 401 that says what to send.
          if (value !== undefined) badCredential(client);
          throw new InvalidKeyError();
        }
        extraHeaders = await admission?.(key, route);
      } else if (route.access === 'operator' && guard.retryAfterSeconds(client) > 0) {
        // A blocked client still gets in with the right admin token; only guesses are refused.
        const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
        if (token && !(await services.operator.identify(token))) badCredential(client);
      }
      let params: Record<string, string> | null = null;
      for (const k in match.params) {
        params ??= {};
        try {
          params[k] = decodeURIComponent(match.params[k]);
        } catch {
          throw new ValidationError(`path parameter ${k} is not valid URL encoding`, [{ path: k, issue: 'bad percent-encoding' }]);
        }
      }
      const body = route.body === 'none' ? '' : await readBody(req, limit);
      const headers: Record<string, string> = {};
      const incoming = req.headers;
      for (const k in incoming) {
        const v = incoming[k];
        if (typeof v === 'string') headers[k] = v;
      }
      let query: Record<string, string> | null = null;
      if (url?.searchParams.size) {
        query = {};
        for (const [k, v] of url.searchParams) query[k] = v;
      }
      const event = apiGatewayEvent({
        route,
        path: pathname,
        headers,
        query,
        params,
        body: body === '' ? null : body,
        requestId,
        apiKeyId: key?.id ?? null,
        sourceIp: req.socket.remoteAddress ?? '',
      });
      const context = { awsRequestId: requestId, functionName: route.fn, punctual: services } as unknown as ApiContext;
      const result = await handlers.get(route)!(event, context);
      status = result.statusCode;
      if (route.access === 'operator' && status === 401 && req.headers.authorization !== undefined) guard.fail(client);
      sendResult(res, result, base, extraHeaders);
    } catch (err) {
      if (err instanceof ClientGoneError || res.destroyed) {
        status = 499; // nginx's "client closed request": nobody is left to answer
        return;
      }
      const result = errorResult(err as DomainError);
      status = result.statusCode;
      if (status >= 500) logger.error('unhandled gateway error', { err, requestId });
      if (!res.headersSent) sendResult(res, result, base);
    } finally {
      logger.info('request', {
        requestId,
        method,
        route: route?.path ?? pathname.slice(0, 200),
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        tenantId: key?.tenantId,
        keyId: key?.id,
      });
    }
  };

  const requestTimeout = options.requestTimeoutMs ?? timeoutDefaults.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? timeoutDefaults.headersTimeoutMs, requestTimeout);
  const server = createServer(
    // Node checks these timeouts every `connectionsCheckingInterval` (30 s by default): check often enough to honour them.
    { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout) },
    (req, res) =>
      void handle(req, res).catch((err: unknown) => {
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
        server.closeIdleConnections();
      }),
  };
};
