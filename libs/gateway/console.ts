import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * The tenant console at /console, one implementation for both runtimes (like the docs, libs/gateway/docs.ts): the
 * embedded gateway reads the files `npm run build:console` wrote to console/dist ({@link fileConsoleAssets}); the docs
 * Lambda gets them inlined into its bundle (functions/docs/assets.ts). Nothing is fetched from anywhere else.
 */

/** The files of a console build: the only paths under /console besides the page itself. */
export const consoleAssetNames = ['app.js', 'app.css'] as const;
export type ConsoleAssetName = (typeof consoleAssetNames)[number];

/** Where the built console comes from; `undefined` when it has not been built. */
export interface ConsoleAssets {
  asset(name: ConsoleAssetName): string | undefined;
}

/** The folder of a console build. */
export const consoleDistDir = join(__dirname, '..', '..', 'console', 'dist');

/** The built files on disk, read once each (a rebuild shows after a restart); absent ones are looked for again. */
export const fileConsoleAssets = (dir: string = consoleDistDir): ConsoleAssets => {
  const read = new Map<ConsoleAssetName, string>();
  return {
    asset: (name) => {
      let text = read.get(name);
      if (text === undefined && existsSync(join(dir, name))) {
        text = readFileSync(join(dir, name), 'utf8');
        read.set(name, text);
      }
      return text;
    },
  };
};

/**
 * The console's own security headers: its scripts, styles and API calls come from this origin only (no inline script or
 * style, no eval), it is never framed, and it sends no referrer. Attacker-controlled text (payloads, names, response
 * excerpts) is only ever rendered as text, and this policy is the second line should that ever slip.
 */
export const consoleSecurityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** What a console request carries that matters to its answer. */
export interface ConsoleRequest {
  /** `/console`, `/console/`, `/console/app.js`, … */
  path: string;
  /** The `v` query parameter: the build hash an asset URL carries. */
  version?: string | null;
  ifNoneMatch?: string;
  acceptEncoding?: string;
}

/** A console response, runtime-neutral. */
export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Options of the console responder. */
export interface ConsoleResponderOptions {
  /** Compress bodies with brotli or gzip when the client accepts it (the embedded gateway; API Gateway compresses itself). */
  compress: boolean;
}

/** One prepared body: its bytes, ETag and compressed forms, made once. */
interface Prepared {
  type: string;
  raw: Buffer;
  etag: string;
  br?: Buffer;
  gzip?: Buffer;
  /** Settles when `br` and `gzip` are made (or could not be: then the body goes uncompressed). */
  compressed: Promise<void>;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const types: Record<ConsoleAssetName | 'page', string> = {
  'app.js': 'application/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  page: 'text/html; charset=utf-8',
};

/** Whether an `Accept-Encoding` header accepts `coding` (named, with a q-value above 0). */
export const acceptsEncoding = (header: string | undefined, coding: string): boolean =>
  (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return name.trim() === coding && (q === undefined || Number(q.slice(2)) > 0);
  });

const hashOf = (text: string | Buffer) => createHash('sha256').update(text).digest('base64url').slice(0, 16);

/**
 * The page. Asset URLs are relative (the console works under any prefix: API Gateway's `/{stage}`, a base path) and
 * carry the build's hash, so browsers may keep them for a year and still never run a stale build.
 */
const page = (here: string, version: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>punctual console</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${here}app.css?v=${version}"></head>
<body><div id="app"></div><noscript>The punctual console needs JavaScript.</noscript>
<script src="${here}app.js?v=${version}"></script></body></html>
`;

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>punctual console</title></head>
<body><h1>The console is not built</h1>
<p>Run <code>npm run build:console</code> (<code>npm start</code> does it first), then reload.</p></body></html>
`;

/**
 * The console paths over `assets`: a function from a request to its response, or undefined when the path is not one of
 * them. Bodies are compressed on zlib's thread pool, never on the event loop (brotli at quality 11 takes 0.2–0.4 s for the
 * script): until that is done a body goes uncompressed; `prime()` prepares everything at start and says when it is done.
 */
export const consoleResponder = (assets: ConsoleAssets, options: ConsoleResponderOptions) => {
  const prepared = new Map<string, Prepared>();
  const prepare = (key: string, type: string, body: string): Prepared => {
    let p = prepared.get(key);
    if (!p) {
      const raw = Buffer.from(body);
      const made: Prepared = { type, raw, etag: `"${hashOf(raw)}"`, compressed: Promise.resolve() };
      if (options.compress) {
        const br = brotliAsync(raw, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        }).then((b) => {
          made.br = b;
        });
        const gz = gzipAsync(raw, { level: 9 }).then((g) => {
          made.gzip = g;
        });
        made.compressed = Promise.all([br, gz]).then(
          () => undefined,
          () => undefined,
        );
      }
      p = made;
      prepared.set(key, p);
    }
    return p;
  };
  const answer = (req: ConsoleRequest, p: Prepared, cache: string): ConsoleResponse => {
    const headers: Record<string, string> = { ...consoleSecurityHeaders, 'content-type': p.type, 'cache-control': cache, etag: p.etag };
    if (options.compress) headers.vary = 'accept-encoding';
    if (req.ifNoneMatch?.split(',').some((t) => t.trim() === p.etag)) return { status: 304, headers, body: '' };
    const accepts = (coding: string) => acceptsEncoding(req.acceptEncoding, coding);
    if (p.br && accepts('br')) return { status: 200, headers: { ...headers, 'content-encoding': 'br' }, body: p.br };
    if (p.gzip && accepts('gzip')) return { status: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: p.gzip };
    return { status: 200, headers, body: p.raw };
  };
  const respond = (req: ConsoleRequest): ConsoleResponse | undefined => {
    const { path } = req;
    if (path !== '/console' && !path.startsWith('/console/')) return undefined;
    const js = assets.asset('app.js');
    const css = assets.asset('app.css');
    if (js === undefined || css === undefined) {
      return {
        status: 503,
        headers: { ...consoleSecurityHeaders, 'content-type': types.page, 'cache-control': 'no-store' },
        body: notBuilt,
      };
    }
    const version = hashOf(js + css);
    if (path === '/console' || path === '/console/') {
      // Revalidated every time (cheap: a 304), so a new build shows at the next load.
      return answer(req, prepare(`page${path}`, types.page, page(path === '/console' ? 'console/' : '', version)), 'no-cache');
    }
    const name = path.slice('/console/'.length);
    if (name !== 'app.js' && name !== 'app.css') return undefined;
    const body = name === 'app.js' ? js : css;
    const cache = req.version === version ? 'public, max-age=31536000, immutable' : 'no-cache';
    return answer(req, prepare(name, types[name], body), cache);
  };
  /** Prepares every console body (when built) and resolves once all are compressed. */
  const prime = async (): Promise<void> => {
    for (const path of ['/console', '/console/', '/console/app.js', '/console/app.css']) respond({ path });
    await Promise.all([...prepared.values()].map((p) => p.compressed));
  };
  return Object.assign(respond, { prime });
};
