import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { acceptsEncoding, consoleResponder } from './console';

const built = { asset: (name: 'app.js' | 'app.css') => (name === 'app.js' ? 'console.log("app");'.repeat(50) : 'body{}') };

describe('acceptsEncoding', () => {
  it.each([
    ['gzip, deflate, br', 'br', true],
    ['gzip;q=1.0, br;q=0', 'br', false],
    ['GZIP', 'gzip', true],
    ['identity', 'gzip', false],
    [undefined, 'gzip', false],
    ['x-gzip', 'gzip', false],
  ])('%s accepts %s: %s', (header, coding, accepted) => {
    expect(acceptsEncoding(header, coding)).toBe(accepted);
  });
});

describe('consoleResponder', () => {
  const respond = consoleResponder(built, { compress: true });

  it('answers uncompressed until its thread-pool compression is done, never blocking on it', async () => {
    const fresh = consoleResponder(built, { compress: true });
    const first = fresh({ path: '/console/app.js', acceptEncoding: 'br, gzip' })!;
    expect(first.headers['content-encoding']).toBeUndefined();
    await fresh.prime();
    expect(fresh({ path: '/console/app.js', acceptEncoding: 'br, gzip' })!.headers['content-encoding']).toBe('br');
    expect(fresh({ path: '/console/app.js', acceptEncoding: 'br, gzip' })!.headers.etag).toBe(first.headers.etag);
  });

  it('compresses with brotli, else gzip, the same bytes either way', async () => {
    await respond.prime();
    const raw = respond({ path: '/console/app.js' })!;
    const br = respond({ path: '/console/app.js', acceptEncoding: 'gzip, br' })!;
    const gz = respond({ path: '/console/app.js', acceptEncoding: 'gzip' })!;
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(brotliDecompressSync(br.body as Buffer)).toEqual(raw.body);
    expect(gunzipSync(gz.body as Buffer)).toEqual(raw.body);
    expect(br.headers.vary).toBe('accept-encoding');
    expect(br.headers.etag).toBe(raw.headers.etag);
  });

  it('lets browsers keep an asset for a year under its build hash, revalidate the page and anything else by ETag', () => {
    const page = respond({ path: '/console' })!;
    expect(page.headers['cache-control']).toBe('no-cache');
    const version = /app\.js\?v=([\w-]+)/.exec(String(page.body))![1];
    const hashed = respond({ path: '/console/app.js', version })!;
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(respond({ path: '/console/app.js', version: 'stale' })!.headers['cache-control']).toBe('no-cache');
    const again = respond({ path: '/console/app.js', version, ifNoneMatch: hashed.headers.etag, acceptEncoding: 'br' })!;
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(respond({ path: '/console', ifNoneMatch: page.headers.etag })!.status).toBe(304);
  });

  it('leaves other paths alone', () => {
    expect(respond({ path: '/consoles' })).toBeUndefined();
    expect(respond({ path: '/docs' })).toBeUndefined();
    expect(respond({ path: '/console/app.js/x' })).toBeUndefined();
  });

  it('says how to build the console when it is not built', () => {
    const r = consoleResponder({ asset: () => undefined }, { compress: true })({ path: '/console' })!;
    expect(r.status).toBe(503);
    expect(String(r.body)).toContain('npm run build:console');
    expect(r.headers['content-security-policy']).toBeDefined();
  });
});
