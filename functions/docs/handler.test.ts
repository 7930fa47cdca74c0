import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { parse } from 'yaml';

// The real ./assets only loads inside an esbuild bundle (import attributes); bundle.int.test.ts runs that one.
jest.mock('./assets', () => ({
  bundledAssets: jest.requireActual('../../libs/gateway/docs').fileAssets,
  bundledConsole: { asset: (name: string) => (name === 'app.js' ? 'console.js' : 'console.css') },
}));

import { pageHeaders } from '../../libs/http/headers';
import { handler } from './handler';
import { docsPath } from './respond';

/** An API Gateway REST (v1) proxy event as the `docs`, `docs/{proxy+}` and `openapi.yaml` resources deliver it. */
const event = (
  path: string,
  o: { method?: string; prefix?: string; headers?: Record<string, string>; v?: string } = {},
): APIGatewayProxyEvent => {
  const [, base, proxy] = /^\/(docs|console)\/(.+)$/.exec(path) ?? [];
  const resource = proxy !== undefined ? `/${base}/{proxy+}` : path.replace(/\/$/, '');
  return {
    httpMethod: o.method ?? 'GET',
    path: `${o.prefix ?? ''}${path}`,
    resource,
    pathParameters: proxy !== undefined ? { proxy } : null,
    headers: { accept: '*/*', ...o.headers },
    multiValueHeaders: {},
    queryStringParameters: o.v ? { v: o.v } : null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { path: `/dev${path}`, stage: 'dev' } as APIGatewayProxyEvent['requestContext'],
  };
};
const get = (path: string, o?: Parameters<typeof event>[1]) => handler(event(path, o)) as Promise<APIGatewayProxyResult>;
const srcs = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));

describe('docs Lambda', () => {
  it("answers with the security headers and the pages' Content-Security-Policy, as the embedded gateway does", async () => {
    for (const path of ['/docs', '/docs/init.js', '/openapi.yaml']) expect((await get(path)).headers).toMatchObject(pageHeaders);
    expect(pageHeaders['content-security-policy']).toMatch(/script-src 'self'/);
    expect((await get('/docs', { method: 'POST' })).headers).toMatchObject({ 'x-frame-options': 'DENY' });
  });

  it('serves the Swagger UI page with assets relative to the page, whichever the trailing slash', async () => {
    const bare = await get('/docs');
    expect(bare.statusCode).toBe(200);
    expect(bare.headers!['content-type']).toBe('text/html; charset=utf-8');
    expect(bare.body).toContain('<div id="ui">');
    // Relative, so `/{stage}/docs` (the execute-api URL) loads `/{stage}/docs/…`, not `/docs/…`.
    expect(srcs(bare.body)).toEqual(['docs/swagger-ui.css', 'docs/swagger-ui-bundle.js', 'docs/init.js']);
    const slash = await get('/docs/');
    expect(slash.statusCode).toBe(200);
    expect(srcs(slash.body)).toEqual(['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js']);
  });

  it('carries the favicons in the page as PNG data URIs (no binary responses)', async () => {
    const { body } = await get('/docs');
    const icons = [...body.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
    expect(icons).toHaveLength(2);
    for (const png of icons) expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('serves the Swagger UI bundle, its CSS and the init script', async () => {
    const js = await get('/docs/swagger-ui-bundle.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers!['content-type']).toBe('application/javascript; charset=utf-8');
    expect(js.body.length).toBeGreaterThan(500_000);
    expect(js.body).toContain('SwaggerUIBundle');
    const css = await get('/docs/swagger-ui.css');
    expect(css).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/css; charset=utf-8' } });
    expect(css.body).toContain('.swagger-ui');
    const init = await get('/docs/init.js');
    expect(init.body).toContain("new URL('../openapi.yaml', document.currentScript.src)");
  });

  it('resolves the spec URL of init.js to /openapi.yaml under any prefix', () => {
    for (const script of ['https://x.execute-api.us-east-1.amazonaws.com/dev/docs/init.js', 'http://127.0.0.1:3000/docs/init.js']) {
      expect(new URL('../openapi.yaml', script).pathname).toBe(new URL(script).pathname.replace('docs/init.js', 'openapi.yaml'));
    }
  });

  it('serves openapi.yaml as a parseable OpenAPI 3.1 document', async () => {
    const r = await get('/openapi.yaml');
    expect(r.statusCode).toBe(200);
    expect(r.headers!['content-type']).toBe('application/yaml; charset=utf-8');
    const spec = parse(r.body) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(spec.paths)).toContain('/v1/messages');
  });

  it('answers 404 for unknown assets and for anything that tries to leave the allow-list', async () => {
    for (const path of [
      '/docs/nope.js',
      '/docs/swagger-ui.js',
      '/docs/swagger-ui-bundle.js.map',
      '/docs/favicon-16x16.png',
      '/docs/index.html',
      '/docs/../package.json',
      '/docs/../../../../etc/passwd',
      '/docs/..%2Fpackage.json',
      '/docs/%2e%2e/openapi.yaml',
      '/docs/swagger-ui-dist/package.json',
      '/docs//etc/passwd',
      '/docs/swagger-ui.css/../../openapi.yaml',
      '/docs/./swagger-ui.css',
    ]) {
      const r = await get(path);
      expect({ path, status: r.statusCode }).toEqual({ path, status: 404 });
      expect(JSON.parse(r.body)).toMatchObject({ error: 'not_found' });
    }
  });

  it('answers 405 to anything but GET', async () => {
    const r = await get('/openapi.yaml', { method: 'POST' });
    expect(r.statusCode).toBe(405);
    expect(r.headers!.allow).toBe('GET');
  });

  it('routes on the matched resource, so a custom domain base path in event.path does not matter', async () => {
    const r = await get('/docs/swagger-ui.css', { prefix: '/punctual' });
    expect(r.statusCode).toBe(200);
    expect(docsPath({ path: '/punctual/docs/', resource: '/docs', pathParameters: null })).toBe('/docs/');
    expect(docsPath({ path: '/punctual/docs', resource: '/docs', pathParameters: null })).toBe('/docs');
    expect(docsPath({ path: '/x/docs/a/b', resource: '/docs/{proxy+}', pathParameters: { proxy: 'a/b' } })).toBe('/docs/a/b');
    // A direct invoke without a resource falls back to the path.
    expect(docsPath({ path: '/openapi.yaml', resource: '', pathParameters: null })).toBe('/openapi.yaml');
  });
});

describe('docs Lambda: the console', () => {
  it('serves the page with relative asset URLs carrying the build version, and the console CSP', async () => {
    const page = await get('/console');
    expect(page.statusCode).toBe(200);
    expect(page.headers!['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers!['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(page.headers!['x-frame-options']).toBe('DENY');
    const [css, js] = srcs(page.body);
    expect(css).toMatch(/^console\/app\.css\?v=[\w-]+$/);
    expect(js).toMatch(/^console\/app\.js\?v=[\w-]+$/);
    expect(srcs((await get('/console/')).body)[1]).toBe(js.slice('console/'.length));
  });

  it('serves the two built files, for a year when the version matches, and 304 for a known ETag', async () => {
    const v = /\?v=([\w-]+)/.exec((await get('/console')).body)![1];
    const js = await get('/console/app.js', { v });
    expect(js).toMatchObject({ statusCode: 200, body: 'console.js' });
    expect(js.headers!['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers!['content-encoding']).toBeUndefined();
    expect((await get('/console/app.css')).headers!['cache-control']).toBe('no-cache');
    const again = await get('/console/app.js', { headers: { 'If-None-Match': String(js.headers!.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('answers 404 for anything else under /console', async () => {
    for (const path of ['/console/index.html', '/console/app.js.map', '/console/../openapi.yaml', '/console/x/app.js']) {
      expect({ path, status: (await get(path)).statusCode }).toEqual({ path, status: 404 });
    }
  });
});
