import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { docsResponder, type DocsAssets } from '../../libs/gateway/docs';

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

const notFound = (message: string, status = 404, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ error: status === 404 ? 'not_found' : 'method_not_allowed', message }),
});

/** The docs Lambda over `assets`: the same responses as the embedded gateway's /docs (libs/gateway/docs.ts), as proxy results. */
export const docsHandler = (assets: DocsAssets) => {
  const respond = docsResponder(assets);
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const path = docsPath(event);
    if (event.httpMethod !== 'GET') return notFound(`${event.httpMethod} is not allowed on ${path}; use GET`, 405, { allow: 'GET' });
    const r = respond(path);
    if (!r) return notFound(`no route GET ${path}; see /docs`);
    // Every routed docs body is text (the favicons travel inside the page), so no binary media types are needed.
    return {
      statusCode: r.status,
      headers: { 'content-type': r.type },
      body: typeof r.body === 'string' ? r.body : r.body.toString('utf8'),
    };
  };
};
