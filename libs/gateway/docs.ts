import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Static assets of Swagger UI, served from the installed package (no CDN). */
const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));

export const specPath = join(__dirname, '..', '..', 'openapi.yaml');

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>punctual API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#ui', deepLinking: true });`;

const types: Record<string, string> = { '.css': 'text/css', '.js': 'application/javascript', '.png': 'image/png', '.map': 'application/json' };

/** The response for a docs path, or undefined when `path` is not one. */
export const docsResponse = (path: string): { status: number; type: string; body: string | Buffer } | undefined => {
  if (path === '/openapi.yaml') return { status: 200, type: 'application/yaml', body: readFileSync(specPath) };
  if (path === '/docs' || path === '/docs/') return { status: 200, type: 'text/html; charset=utf-8', body: page };
  if (path === '/docs/init.js') return { status: 200, type: 'application/javascript', body: init };
  const m = /^\/docs\/(swagger-ui(?:-bundle)?\.(?:css|js)|favicon-(?:16x16|32x32)\.png)$/.exec(path);
  if (!m) return undefined;
  const ext = m[1].slice(m[1].lastIndexOf('.'));
  return { status: 200, type: types[ext], body: readFileSync(join(assetsDir, m[1])) };
};
