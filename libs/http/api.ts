import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import { stringifyJson } from '../domain/raw-json';
import { parseInput } from '../domain/validate';
import { requireControl } from '../keys/access';
import { InvalidKeyError } from '../keys/errors';
import type { Principal } from '../keys/model';
import { maxPayloadBytes } from '../messages/model';
import { currentContainer } from '../lambda/container';
import { parseBody } from './json-body';
import type { Services } from './services';
import { errorResult } from './errors';
import { apiHeaders, jsonHeaders } from './headers';
import { maxJsonDepth, nestsDeeperThan } from './json-depth';
import { type Access, type OperationId, type Route, routeOf } from './routes';

/** The Lambda context, plus the services when the embedded gateway invokes the handler in-process. */
export type ApiContext = Context & { punctual?: Services };

/** A parsed request as a handler body sees it. */
export interface ApiRequest<B, Q> {
  body: B;
  /** The body's JSON text as received (`''` without one): payloads are stored from it byte for byte (libs/http/json-text.ts). */
  bodyText: string;
  query: Q;
  params: Record<string, string>;
  /** A request header by its name (any case). */
  header(name: string): string | undefined;
  /** The calling key (absent on public and operator routes). */
  principal: Principal;
  /** The operator identity on operator routes. */
  owner: string;
  services: Services;
}

/** What a handler body returns. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  /** Headers of the answer beyond the JSON and security ones (each documented in openapi.yaml). */
  headers?: Record<string, string>;
}

/** How a handler parses its request; who may call it and whether a body is required come from its route entry. */
interface ApiOptions<BS extends z.ZodType | undefined, QS extends z.ZodType | undefined> {
  /** Schema of the JSON body; present exactly when the route takes one (an optional body parses as `{}` when absent). */
  body?: BS;
  /** Schema of the query string parameters. */
  query?: QS;
}

/** A handler body. */
type ApiFn<BS, QS> = (req: ApiRequest<Out<BS>, Out<QS>>) => Promise<ApiResponse>;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The embedded gateway's services, or those of the Lambda container (registered by the AWS composition root). */
const servicesFor = async (context: ApiContext): Promise<Services> => context.punctual ?? (await currentContainer()).services;

const jsonType = /^application\/(.+\+)?json($|;.+)/i;
const header = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  const h = event.headers ?? {};
  return h[name] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1] ?? undefined;
};

/**
 * The body's JSON text, after checking its presence, size, media type and nesting; `''` for an absent optional body (it then
 * parses as `{}`). Parsed here rather than by middy's JSON parser, which hides where a malformed body goes wrong.
 */
const bodyTextOf = (event: APIGatewayProxyEvent, optional: boolean): string => {
  const raw = event.body;
  if (raw === null || raw === undefined || raw === '') {
    if (!optional) throw new ValidationError('a JSON request body is required', [{ path: '(body)', issue: 'required' }]);
    return '';
  }
  // The embedded gateway refuses a body over the limit before the handler; API Gateway would pass up to 10 MB.
  if (Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8') > maxPayloadBytes)
    throw new PayloadTooLargeError(`request body is over ${maxPayloadBytes / 1024} KiB`);
  const type = header(event, 'content-type');
  if (!type || !jsonType.test(type))
    throw new UnsupportedMediaTypeError(
      `send the body as JSON with content-type: application/json (got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'})`,
    );
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (nestsDeeperThan(text)) {
    throw new ValidationError(`the JSON body nests arrays and objects deeper than ${maxJsonDepth} levels`, [
      { path: '(body)', issue: `nested deeper than ${maxJsonDepth} levels` },
    ]);
  }
  return text;
};

/** Maps domain errors to the error body; logs the unexpected. */
const errorMapper = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> => ({
  onError: async (request) => {
    const result = errorResult(request.error);
    if (result.statusCode >= 500) {
      const logger = request.context.punctual?.logger;
      (logger?.error ?? console.error)('unhandled error', { err: request.error, path: request.event.resource });
    }
    request.response = result;
  },
});

const authorize = async (
  event: APIGatewayProxyEvent,
  access: Access,
  services: Services,
): Promise<{ principal?: Principal; owner?: string }> => {
  if (access === 'public') return {};
  if (access === 'operator') {
    const authz = header(event, 'authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(authz)?.[1];
    const owner = token ? await services.operator.identify(token.trim()) : undefined;
    if (!owner) throw new UnauthorizedError('this route needs Authorization: Bearer <admin token>');
    return { owner };
  }
  const apiKeyId = event.requestContext?.identity?.apiKeyId;
  const principal = apiKeyId ? await services.keys.principal(apiKeyId) : undefined;
  if (!principal) throw new InvalidKeyError();
  if (access === 'control') requireControl(principal);
  return { principal };
};

/** A route handler as the Lambda runtime calls it, carrying the route entry it serves (checked against the table by a test). */
export type ApiHandler = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> & { readonly route: Route };

/**
 * Builds the handler of the route `operationId`: the middy chain (the error mapper) around a thin body, which runs
 * after the caller is authorised and the body and query are parsed. The route entry (libs/http/routes.ts) says who may
 * call it and whether it takes a body; the options only parse. Every answer carries the security headers.
 */
export function api(operationId: OperationId, fn: ApiFn<undefined, undefined>): ApiHandler;
export function api<BS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined>(
  operationId: OperationId,
  options: ApiOptions<BS, QS>,
  fn: ApiFn<BS, QS>,
): ApiHandler;
export function api<BS extends z.ZodType | undefined, QS extends z.ZodType | undefined>(
  operationId: OperationId,
  optionsOrFn: ApiOptions<BS, QS> | ApiFn<BS, QS>,
  maybeFn?: ApiFn<BS, QS>,
): ApiHandler {
  const [options, fn] = typeof optionsOrFn === 'function' ? [{} as ApiOptions<BS, QS>, optionsOrFn] : [optionsOrFn, maybeFn!];
  const route = routeOf(operationId);
  if ((route.body === 'none') !== (options.body === undefined)) {
    throw new Error(
      `${operationId}: the route table says body '${route.body}' but the handler ${options.body ? 'parses' : 'has no schema for'} one`,
    );
  }
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>().use(errorMapper());
  const handler = chain.handler(async (event, context): Promise<APIGatewayProxyResult> => {
    const services = await servicesFor(context);
    // Credentials first: an unauthorised caller learns nothing of how its body would have parsed.
    const { principal, owner } = await authorize(event, route.access, services);
    const bodyText = options.body ? bodyTextOf(event, route.body === 'optional') : '';
    const body = (options.body ? parseInput(options.body, parseBody(bodyText)) : undefined) as Out<BS>;
    const query = (options.query ? parseInput(options.query, event.queryStringParameters ?? {}, '', 'query') : undefined) as Out<QS>;
    const res = await fn({
      body,
      bodyText,
      query,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      header: (name) => header(event, name.toLowerCase()),
      principal: principal!,
      owner: owner!,
      services,
    });
    return res.body === undefined
      ? { statusCode: res.status, headers: { ...apiHeaders, ...res.headers }, body: '' }
      : { statusCode: res.status, headers: { ...jsonHeaders, ...res.headers }, body: stringifyJson(res.body) };
  });
  return Object.assign(handler, { route });
}
