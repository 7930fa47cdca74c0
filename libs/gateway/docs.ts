import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Swagger UI at /docs and the contract at /openapi.yaml, one implementation for both runtimes: the
 * embedded gateway reads the files from disk ({@link fileAssets}), the docs Lambda gets them inlined
 * into its bundle (functions/docs/assets.ts). No CDN either way.
 */

export const specPath = join(__dirname, '..', '..', 'openapi.yaml');

/**
 * The Swagger UI files the docs use. Only the CSS and JS are routed, and a request path must name one
 * exactly, so there is nothing to traverse. The favicons travel inside the page as data URIs: a binary
 * response through API Gateway would need binary media types of every type, API-wide, for browsers.
 */
export const docsAssetNames = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-16x16.png', 'favicon-32x32.png'] as const;
export type DocsAssetName = (typeof docsAssetNames)[number];

/** Where the spec and the Swagger UI files come from. */
export interface DocsAssets {
  spec(): string | Buffer;
  asset(name: DocsAssetName): string | Buffer;
}

/** A docs response, runtime-neutral. */
export interface DocsResponse {
  status: number;
  type: string;
  body: string | Buffer;
}

/**
 * The installed swagger-ui-dist and the repo's openapi.yaml, read on every request (an edited spec
 * shows at once). Resolved lazily and through createRequire, which esbuild leaves alone: the docs
 * Lambda bundle drops this (unused there) instead of warning that it cannot resolve the package.
 */
export const fileAssets: DocsAssets = {
  spec: () => readFileSync(specPath),
  asset: (name) => readFileSync(join(dirname(createRequire(__filename).resolve('swagger-ui-dist/package.json')), name)),
};

const dataUri = (png: string | Buffer) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

/**
 * Asset URLs are relative to the page, so the page works under any prefix (API Gateway's `/{stage}`,
 * a custom domain's base path): `docs/x` from `/docs`, `x` from `/docs/`.
 */
const page = (here: string, assets: DocsAssets) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>punctual API</title>
<link rel="icon" type="image/png" sizes="32x32" href="${dataUri(assets.asset('favicon-32x32.png'))}">
<link rel="icon" type="image/png" sizes="16x16" href="${dataUri(assets.asset('favicon-16x16.png'))}">
<link rel="stylesheet" href="${here}swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="${here}swagger-ui-bundle.js"></script>
<script src="${here}init.js"></script></body></html>`;
/** A file rather than an inline script (CSP-friendly); the spec URL is resolved against this script's own URL, for the same reason. */
const init =
  "window.ui = SwaggerUIBundle({ url: new URL('../openapi.yaml', document.currentScript.src).href, " +
  "dom_id: '#ui', deepLinking: true });";

const types: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'application/javascript; charset=utf-8' };
const routed = new Set<string>(docsAssetNames.filter((n) => n.endsWith('.css') || n.endsWith('.js')));

/** The docs paths over `assets`: a function from a request path to its response, or undefined when the path is not a docs path. */
export const docsResponder =
  (assets: DocsAssets) =>
  (path: string): DocsResponse | undefined => {
    if (path === '/openapi.yaml') return { status: 200, type: 'application/yaml; charset=utf-8', body: assets.spec() };
    if (path === '/docs' || path === '/docs/')
      return { status: 200, type: 'text/html; charset=utf-8', body: page(path === '/docs' ? 'docs/' : '', assets) };
    if (path === '/docs/init.js') return { status: 200, type: types['.js'], body: init };
    const name = path.startsWith('/docs/') ? path.slice('/docs/'.length) : undefined;
    if (name === undefined || !routed.has(name)) return undefined;
    return { status: 200, type: types[name.slice(name.lastIndexOf('.'))], body: assets.asset(name as DocsAssetName) };
  };

/** The embedded gateway's docs (libs/gateway/server.ts). */
export const docsResponse = /* @__PURE__ */ docsResponder(fileAssets);
