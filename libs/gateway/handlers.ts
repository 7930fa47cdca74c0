import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiContext } from '../http/api';
import type { Route } from '../http/routes';

/** A route's handler as the Lambda runtime would call it. */
export type RouteHandler = (event: APIGatewayProxyEvent, context: ApiContext) => Promise<APIGatewayProxyResult>;

/** Loads `functions/<fn>/handler.ts` for every route, at start, so a missing handler fails fast. */
export const loadHandlers = (routes: readonly Route[]): Map<Route, RouteHandler> => {
  const out = new Map<Route, RouteHandler>();
  for (const route of routes) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`../../functions/${route.fn}/handler`) as { handler?: RouteHandler };
    if (typeof mod.handler !== 'function') throw new Error(`functions/${route.fn}/handler does not export a handler`);
    out.set(route, mod.handler);
  }
  return out;
};
