import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiContext } from '../http/api';
import type { Route } from '../http/routes';

/** A route's handler as the Lambda runtime would call it. */
export type RouteHandler = (event: APIGatewayProxyEvent, context: ApiContext) => Promise<APIGatewayProxyResult>;

/** Loads `functions/<fn>/handler.ts` for every route, at start, so a missing handler fails fast. */
export const loadHandlers = (routes: readonly Route[]): Map<Route, RouteHandler> => {
  const out = new Map<Route, RouteHandler>();
  for (const route of routes) {
    // By path at run time: the route table names the directory (the Lambda bundles import theirs statically).
    const mod = require(`../../functions/${route.fn}/handler`) as { handler?: RouteHandler };
    if (typeof mod.handler !== 'function') throw new Error(`functions/${route.fn}/handler does not export a handler`);
    out.set(route, mod.handler);
  }
  return out;
};

/** What an API Gateway proxy event carries for one request (the parts the handlers read). */
export interface EventParts {
  route: Route;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string> | null;
  params: Record<string, string> | null;
  body: string | null;
  requestId: string;
  /** API Gateway's id of the caller's key (`requestContext.identity.apiKeyId`), null on key-less routes. */
  apiKeyId: string | null;
  sourceIp: string;
}

/** The API Gateway (REST, proxy) event of a request, as Lambda hands it to a handler. */
export const apiGatewayEvent = (p: EventParts): APIGatewayProxyEvent =>
  ({
    resource: p.route.path,
    path: p.path,
    httpMethod: p.route.method,
    headers: p.headers,
    multiValueHeaders: {},
    queryStringParameters: p.query,
    multiValueQueryStringParameters: null,
    pathParameters: p.params,
    stageVariables: null,
    body: p.body,
    isBase64Encoded: false,
    requestContext: {
      requestId: p.requestId,
      resourcePath: p.route.path,
      httpMethod: p.route.method,
      identity: { apiKeyId: p.apiKeyId, sourceIp: p.sourceIp },
    },
  }) as unknown as APIGatewayProxyEvent;
