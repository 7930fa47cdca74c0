import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidJsonError, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import { parseInput } from '../domain/validate';
import { requireControl } from '../keys/access';
import { InvalidKeyError } from '../keys/errors';
import type { Principal } from '../keys/model';
import { maxPayloadBytes } from '../messages/model';
import { currentContainer } from '../lambda/container';
import type { Services } from './services';
import { errorResult } from './errors';
import { maxJsonDepth, nestsDeeperThan } from './json-depth';
import { type Access, type OperationId, type Route, routeOf } from './routes';

/** The Lambda context, plus the services when the embedded gateway invokes the handler in-process. */
export type ApiContext = Context & { punctual?: Services };

/** A parsed request as a handler body sees it. */
export interface ApiRequest<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
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

/** Checks presence and media type before middy's JSON parser runs (which then only parses). */
const bodyGate = (optional: boolean): middy.MiddlewareObj<APIGatewayProxyEvent> => ({
  before: (request) => {
    const event = request.event;
    if (event.body === null || event.body === undefined || event.body === '') {
      if (!optional) throw new ValidationError('a JSON request body is required', [{ path: '(body)', issue: 'required' }]);
      event.body = '{}';
      event.headers = { ...event.headers, 'content-type': 'application/json' };
      return;
    }
    // The embedded gateway refuses a body over the limit before the handler; API Gateway would pass up to 10 MB.
    if (Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') > maxPayloadBytes)
      throw new PayloadTooLargeError(`request body is over ${maxPayloadBytes / 1024} KiB`);
    const type = header(event, 'content-type');
    if (!type || !jsonType.test(type))
      throw new UnsupportedMediaTypeError(
        `send the body as JSON with content-type: application/json (got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'})`,
      );
    if (nestsDeeperThan(event.body)) {
      throw new ValidationError(`the JSON body nests arrays and objects deeper than ${maxJsonDepth} levels`, [
        { path: '(body)', issue: `nested deeper than ${maxJsonDepth} levels` },
      ]);
    }
    // The JSON parser only accepts the lower-case name with a plain JSON type: normalise (on a copy) unless it already is that.
    if (event.headers?.['content-type'] !== 'application/json') event.headers = { ...event.headers, 'content-type': 'application/json' };
  },
});

/** Maps middy's parser errors and domain errors to the error body; logs the unexpected. */
const errorMapper = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> => ({
  onError: async (request) => {
    let err: unknown = request.error;
    const e = err as { statusCode?: number; message?: string };
    if (e?.statusCode === 415 && /malformed JSON/.test(e.message ?? '')) err = new InvalidJsonError('the request body is not valid JSON');
    else if (e?.statusCode === 415) err = new UnsupportedMediaTypeError('send the body as JSON with content-type: application/json');
    const result = errorResult(err);
    if (result.statusCode >= 500) {
      const logger = request.context.punctual?.logger;
      (logger?.error ?? console.error)('unhandled error', { err, path: request.event.resource });
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

/** Who called, as `authorize` found it, by event: the check runs before the body is read, the handler body uses its answer. */
const callers = new WeakMap<APIGatewayProxyEvent, { principal?: Principal; owner?: string }>();

/**
 * Authorizes before the body gate and the JSON parser run: a request without valid credentials learns nothing about its
 * body (401, not 400).
 */
const authorizeFirst = (access: Access): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> => ({
  before: async (request) => {
    callers.set(request.event, await authorize(request.event, access, await servicesFor(request.context)));
  },
});

/** A route handler as the Lambda runtime calls it, carrying the route entry it serves (checked against the table by a test). */
export type ApiHandler = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> & { readonly route: Route };

/**
 * Builds the handler of the route `operationId`: the middy chain (errors, body gate, JSON parser) around a thin body.
 * The route entry (libs/http/routes.ts) says who may call it and whether it takes a body; the options only parse.
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
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>()
    .use(errorMapper())
    .use(authorizeFirst(route.access));
  if (options.body) chain.use(bodyGate(route.body === 'optional')).use(httpJsonBodyParser());
  const handler = chain.handler(async (event, context): Promise<APIGatewayProxyResult> => {
    const services = await servicesFor(context);
    const { principal, owner } = callers.get(event) ?? {};
    const body = (options.body ? parseInput(options.body, event.body) : undefined) as Out<BS>;
    const query = (options.query ? parseInput(options.query, event.queryStringParameters ?? {}) : undefined) as Out<QS>;
    const res = await fn({
      body,
      query,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      principal: principal!,
      owner: owner!,
      services,
    });
    return {
      statusCode: res.status,
      headers: res.body === undefined ? {} : ({ 'content-type': 'application/json' } as Record<string, string>),
      body: res.body === undefined ? '' : JSON.stringify(res.body),
    };
  });
  return Object.assign(handler, { route });
}
