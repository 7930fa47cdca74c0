import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';

/** How the server answers one console file to a browser that accepts brotli and gzip. */
export interface AssetAnswer {
  path: string;
  status: number;
  contentEncoding: string;
  cacheControl: string;
  etag: string;
  /** Bytes on the wire. */
  bytes: number;
  /** Bytes once decoded. */
  rawBytes: number;
  /** The status of the same GET with `If-None-Match: <etag>` (304: the browser keeps its copy). */
  conditionalStatus: number | string;
  /** Round trip of the first GET, ms (the server may compress the file then). */
  firstMs: number;
  /** Round trip of a second plain GET, ms. */
  againMs: number;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
};

const decode = (body: Buffer, encoding: string): Buffer =>
  encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;

/** GETs `path` as a browser would (`Accept-Encoding: br, gzip`), then again with its ETag; returns the answers and the decoded body. */
const probe = async (base: string, path: string): Promise<{ answer: AssetAnswer; text: string }> => {
  const started = performance.now();
  const res = await request(`${base}${path}`, { headers: { 'accept-encoding': 'br, gzip' } });
  const body = Buffer.from(await res.body.arrayBuffer());
  const firstMs = Math.round((performance.now() - started) * 10) / 10;
  const contentEncoding = header(res.headers, 'content-encoding');
  const etag = header(res.headers, 'etag');
  const raw = decode(body, contentEncoding);
  let conditionalStatus: number | string = 'no etag';
  if (etag) {
    const again = await request(`${base}${path}`, { headers: { 'accept-encoding': 'br, gzip', 'if-none-match': etag } });
    await again.body.dump();
    conditionalStatus = again.statusCode;
  }
  const second = performance.now();
  await (await request(`${base}${path}`, { headers: { 'accept-encoding': 'br, gzip' } })).body.dump();
  const againMs = Math.round((performance.now() - second) * 10) / 10;
  return {
    answer: {
      path,
      status: res.statusCode,
      contentEncoding: contentEncoding || 'none',
      cacheControl: header(res.headers, 'cache-control') || 'none',
      etag: etag || 'none',
      bytes: body.length,
      rawBytes: raw.length,
      conditionalStatus,
      firstMs,
      againMs,
    },
    text: raw.toString('utf8'),
  };
};

/** The console page, then the script and style sheet it links (with the build hash their URLs carry). */
export const probeConsole = async (base: string): Promise<AssetAnswer[]> => {
  const page = await probe(base, '/console/');
  const linked = [...page.text.matchAll(/(?:src|href)="([^"]*app\.(?:js|css)[^"]*)"/g)].map((m) => `/console/${m[1]}`);
  const assets = linked.length ? linked : ['/console/app.js', '/console/app.css'];
  const answers = [page.answer];
  for (const path of assets) answers.push((await probe(base, path)).answer);
  return answers;
};
