import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '../domain/errors';
import type { Exchange } from './exchange';
import { apiGatewayEvent } from './handlers';
import { readBody } from './parse';

/** The percent-decoded path parameters; null when the route has none (as API Gateway sends them). */
const decodeParams = (raw: Record<string, string>): Record<string, string> | null => {
  let params: Record<string, string> | null = null;
  for (const k in raw) {
    params ??= {};
    try {
      params[k] = decodeURIComponent(raw[k]);
    } catch {
      throw new ValidationError(`path parameter ${k} is not valid URL encoding`, [{ path: k, issue: 'bad percent-encoding' }]);
    }
  }
  return params;
};

/** The single-valued request headers (API Gateway's `headers`). */
const singleHeaders = (incoming: IncomingHttpHeaders): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const k in incoming) {
    const v = incoming[k];
    if (typeof v === 'string') headers[k] = v;
  }
  return headers;
};

/** The query string parameters, null when there are none (as API Gateway sends them). */
const queryOf = (url: URL | undefined): Record<string, string> | null => {
  if (!url?.searchParams.size) return null;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  return query;
};

/** The API Gateway event of the routed, authenticated request `x`, reading its body (up to `limit` bytes) when the route takes one. */
export const toEvent = async (x: Exchange, rawParams: Record<string, string>, limit: number): Promise<APIGatewayProxyEvent> => {
  const route = x.route!;
  const params = decodeParams(rawParams);
  const body = route.body === 'none' ? '' : await readBody(x.req, limit);
  return apiGatewayEvent({
    route,
    path: x.pathname,
    headers: singleHeaders(x.req.headers),
    query: queryOf(x.url),
    params,
    body: body === '' ? null : body,
    requestId: x.requestId,
    apiKeyId: x.key?.id ?? null,
    sourceIp: x.req.socket.remoteAddress ?? '',
  });
};
