import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type ConsoleAssets, consoleResponder } from '../../libs/gateway/console';
import { docsResponder, type DocsAssets } from '../../libs/gateway/docs';
import { RouteMethodNotAllowedError, RouteNotFoundError } from '../../libs/gateway/errors';
import { errorResult } from '../../libs/http/errors';
import { pageHeaders } from '../../libs/http/headers';

/**
 * The request path as the docs routes know it (`/docs`, `/docs/x`, `/openapi.yaml`), from the matched
 * resource rather than `event.path`, which carries a custom domain's base path. The trailing slash
 * of `/docs/` is only in `event.path`, and the page's relative URLs depend on it.
 */
export const docsPath = (event: Pick<APIGatewayProxyEvent, 'path' | 'resource' | 'pathParameters'>): string => {
  if (!event.resource) return event.path;
  const path = event.resource.replace('{proxy+}', event.pathParameters?.proxy ?? '');
  return event.path.endsWith('/') && !path.endsWith('/') ? `${path}/` : path;
};

/** A request header, whatever its case (API Gateway passes them as the client sent them). */
const header = (event: APIGatewayProxyEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? undefined;

/**
 * The docs Lambda over `assets` (and the console's, when given): the same responses as the embedded gateway's /docs
 * (libs/gateway/docs.ts) and /console (libs/gateway/console.ts), as proxy results. The console's bodies are sent
 * uncompressed: API Gateway compresses responses itself when the API sets a minimum compression size.
 */
export const docsHandler = (assets: DocsAssets, consoleAssets?: ConsoleAssets) => {
  const respond = docsResponder(assets);
  const respondConsole = consoleAssets ? consoleResponder(consoleAssets, { compress: false }) : undefined;
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const path = docsPath(event);
    if (event.httpMethod !== 'GET') return errorResult(new RouteMethodNotAllowedError(event.httpMethod, path, ['GET']));
    const c = respondConsole?.({
      path,
      version: event.queryStringParameters?.v ?? null,
      ifNoneMatch: header(event, 'if-none-match'),
    });
    if (c) return { statusCode: c.status, headers: c.headers, body: typeof c.body === 'string' ? c.body : c.body.toString('utf8') };
    const r = respond(path);
    if (!r) return errorResult(new RouteNotFoundError('GET', path));
    // Every routed docs body is text (the favicons travel inside the page), so no binary media types are needed.
    return {
      statusCode: r.status,
      headers: { ...pageHeaders, 'content-type': r.type },
      body: typeof r.body === 'string' ? r.body : r.body.toString('utf8'),
    };
  };
};
