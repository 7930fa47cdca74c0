/**
 * Proves the docs Lambda works as the zip serverless-esbuild makes: builds functions/docs/handler.ts
 * with serverless.ts's own `custom.esbuild` options, then runs the bundle with plain node from an
 * empty temp dir (no node_modules, no openapi.yaml), as Lambda would. A file read at run time fails here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import { buildConsole } from '../../console/build';

const root = join(__dirname, '..', '..');
/** Options serverless-esbuild consumes itself and never passes to esbuild (its dist/bundle.js list). */
const pluginOnly = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

interface Answer {
  path: string;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

let dir: string;
let answers: Map<string, Answer>;
let warnings: string[];

beforeAll(async () => {
  const custom = (require('../../serverless') as { custom: { esbuild: Record<string, unknown> } }).custom.esbuild;
  const options = Object.fromEntries(Object.entries(custom).filter(([k]) => !pluginOnly.includes(k))) as BuildOptions;
  dir = mkdtempSync(join(tmpdir(), 'punctual-docs-bundle-'));
  // As `npm run package` does: the console's build first, for the bundle to inline.
  await buildConsole();
  const result = await build({
    ...options,
    external: (custom.exclude as string[] | undefined) ?? [],
    absWorkingDir: root,
    entryPoints: ['functions/docs/handler.ts'],
    outdir: dir,
    logLevel: 'silent',
  });
  warnings = result.warnings.map((w) => w.text);
  const paths = [
    '/docs',
    '/docs/',
    '/docs/swagger-ui-bundle.js',
    '/docs/swagger-ui.css',
    '/docs/init.js',
    '/openapi.yaml',
    '/docs/nope.css',
    '/docs/../package.json',
    '/console',
    '/console/app.js',
    '/console/app.css',
  ];
  const script = `
    const { handler } = require('./handler.js');
    const event = (path) => {
      const [, base, proxy] = /^\\/(docs|console)\\/(.+)$/.exec(path) ?? [];
      return {
        httpMethod: 'GET', path: '/dev' + path, resource: proxy ? '/' + base + '/{proxy+}' : path.replace(/\\/$/, ''),
        pathParameters: proxy ? { proxy } : null, headers: {}, body: null, requestContext: {},
      };
    };
    Promise.all(${JSON.stringify(paths)}.map(async (path) => ({ path, ...(await handler(event(path), {})) })))
      .then((r) => process.stdout.write(JSON.stringify(r)));`;
  // A clean environment and cwd: nothing to find but the bundle.
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    maxBuffer: 64 * 1024 * 1024,
  });
  answers = new Map((JSON.parse(stdout) as Answer[]).map((a) => [a.path, a]));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the docs Lambda bundle (serverless.ts esbuild options)', () => {
  it('builds to a single file with no node_modules beside it', () => {
    expect(readdirSync(dir).sort()).toEqual(['handler.js', 'handler.js.map']);
    // Well under Lambda's 50 MB zipped / 250 MB unzipped limits, and far under its 6 MB response limit per asset.
    expect(statSync(join(dir, 'handler.js')).size).toBeLessThan(20 * 1024 * 1024);
    expect(warnings.filter((w) => /openapi\.yaml|swagger-ui/.test(w))).toEqual([]);
    // The embedded gateway's file reader is tree-shaken away: there is no path to disk to fall back on.
    expect(readFileSync(join(dir, 'handler.js'), 'utf8')).not.toContain('swagger-ui-dist/package.json');
  });

  it('serves the page and both assets it links, inlined', () => {
    expect(answers.get('/docs')).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(answers.get('/docs')!.body).toContain('src="docs/swagger-ui-bundle.js"');
    expect(answers.get('/docs/')!.body).toContain('src="swagger-ui-bundle.js"');
    const js = answers.get('/docs/swagger-ui-bundle.js')!;
    expect(js).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/javascript; charset=utf-8' } });
    expect(js.body).toContain('SwaggerUIBundle');
    expect(js.body.length).toBeGreaterThan(500_000);
    expect(answers.get('/docs/swagger-ui.css')!.body).toContain('.swagger-ui');
    expect(answers.get('/docs/init.js')!.statusCode).toBe(200);
  });

  it('inlines the favicons byte for byte', () => {
    const icons = [...answers.get('/docs')!.body.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1], 'base64'),
    );
    const dist = join(root, 'node_modules', 'swagger-ui-dist');
    expect(icons).toEqual([readFileSync(join(dist, 'favicon-32x32.png')), readFileSync(join(dist, 'favicon-16x16.png'))]);
  });

  it('serves the repo openapi.yaml (OpenAPI 3.1)', () => {
    const spec = answers.get('/openapi.yaml')!;
    expect(spec.statusCode).toBe(200);
    expect(spec.body).toBe(readFileSync(join(root, 'openapi.yaml'), 'utf8'));
    expect((parse(spec.body) as { openapi: string }).openapi).toMatch(/^3\.1\./);
  });

  it('serves the console with its build inlined', () => {
    expect(answers.get('/console')).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    const js = answers.get('/console/app.js')!;
    expect(js.statusCode).toBe(200);
    expect(js.body).toBe(readFileSync(join(root, 'console', 'dist', 'app.js'), 'utf8'));
    expect(answers.get('/console/app.css')!.body).toBe(readFileSync(join(root, 'console', 'dist', 'app.css'), 'utf8'));
  });

  it('answers 404 for an unknown asset and a traversal', () => {
    expect(answers.get('/docs/nope.css')!.statusCode).toBe(404);
    expect(answers.get('/docs/../package.json')!.statusCode).toBe(404);
  });
});
