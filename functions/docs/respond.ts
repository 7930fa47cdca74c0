import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
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

/** The docs Lambda over `assets`: the same responses as the embedded gateway's /docs (libs/gateway/docs.ts), as proxy results. */
export const docsHandler = (assets: DocsAssets) => {
  const respond = docsResponder(assets);
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const path = docsPath(event);
    if (event.httpMethod !== 'GET') return errorResult(new RouteMethodNotAllowedError(event.httpMethod, path, ['GET']));
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
