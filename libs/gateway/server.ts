import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PayloadTooLargeError, ValidationError, type DomainError } from '../domain/errors';
import type { ApiContext } from '../http/api';
import { errorResult } from '../http/errors';
import { routes as routeTable, type Route } from '../http/routes';
import { InvalidKeyError } from '../keys/errors';
import type { ApiKey } from '../keys/model';
import { maxPayloadBytes } from '../messages/model';
import type { Services } from '../runtime/services';
import { docsResponse } from './docs';
import { loadHandlers } from './handlers';
import { createRouter } from './router';

/** Options of the local gateway. */
export interface GatewayOptions {
  port: number;
  host: string;
  /** Largest request body accepted. @default 256 KiB */
  maxBodyBytes?: number;
  routes?: readonly Route[];
}

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

const sendResult = (res: ServerResponse, result: APIGatewayProxyResult, extra: Record<string, string>) =>
  send(res, result.statusCode, { ...(result.headers ?? {}), ...extra }, result.body ?? '');

/** Reads the body up to `limit` bytes; rejects with PayloadTooLargeError past it. */
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
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

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

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let key: ApiKey | undefined;
    let route: Route | undefined;
    let status = 500;
    const base = { 'x-request-id': requestId };
    try {
      const docs = method === 'GET' ? docsResponse(url.pathname) : undefined;
      if (docs) {
        status = docs.status;
        return send(res, docs.status, { ...base, 'content-type': docs.type }, docs.body);
      }
      const match = router.match(method, url.pathname);
      if (!('route' in match)) {
        status = match.allowed.length ? 405 : 404;
        const body = match.allowed.length
          ? { error: 'method_not_allowed', message: `${method} is not allowed on ${url.pathname}; use ${match.allowed.join(', ')}` }
          : { error: 'not_found', message: `no route ${method} ${url.pathname}; see /docs` };
        return send(res, status, { ...base, 'content-type': 'application/json', ...(match.allowed.length ? { allow: match.allowed.join(', ') } : {}) }, JSON.stringify(body));
      }
      route = match.route;
      let extraHeaders: Record<string, string> | undefined;
      if (route.access === 'control' || route.access === 'data') {
        const value = req.headers['x-api-key'];
        key = typeof value === 'string' && value.length > 0 && value.length <= 200 ? await services.keys.authenticate(value) : undefined;
        if (!key) throw new InvalidKeyError();
        extraHeaders = await admission?.(key, route);
      }
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(match.params)) {
        try {
          params[k] = decodeURIComponent(v);
        } catch {
          throw new ValidationError(`path parameter ${k} is not valid URL encoding`, [{ path: k, issue: 'bad percent-encoding' }]);
        }
      }
      const body = route.body === 'none' ? '' : await readBody(req, limit);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const event = {
        resource: route.path,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders: {},
        queryStringParameters: url.searchParams.size ? query : null,
        multiValueQueryStringParameters: null,
        pathParameters: Object.keys(params).length ? params : null,
        stageVariables: null,
        body: body === '' ? null : body,
        isBase64Encoded: false,
        requestContext: {
          requestId,
          resourcePath: route.path,
          httpMethod: method,
          identity: { apiKeyId: key?.id ?? null, sourceIp: req.socket.remoteAddress ?? '' },
        },
      } as unknown as APIGatewayProxyEvent;
      const context = { awsRequestId: requestId, functionName: route.fn, punctual: services } as unknown as ApiContext;
      const result = await handlers.get(route)!(event, context);
      status = result.statusCode;
      sendResult(res, result, { ...base, ...(extraHeaders ?? {}) });
    } catch (err) {
      const result = errorResult(err as DomainError);
      status = result.statusCode;
      if (status >= 500) logger.error('unhandled gateway error', { err, requestId });
      if (!res.headersSent) sendResult(res, result, base);
    } finally {
      logger.info('request', {
        requestId,
        method,
        route: route?.path ?? url.pathname.slice(0, 200),
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        tenantId: key?.tenantId,
        keyId: key?.id,
      });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
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
