import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What the package's sources may import: each other, `standardwebhooks` (the one runtime dependency), and in
 * each receiver adapter the types of its own framework, type-only, so the client runs wherever `fetch` does and
 * nobody loads a framework they do not use.
 */
const src = __dirname;
const typesOnly: Record<string, string> = {
  'receivers/node.ts': 'node:http',
  'receivers/express.ts': 'express',
  'receivers/fastify.ts': 'fastify',
  'receivers/hono.ts': 'hono',
};

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.ts$/.test(e.name) && !/\.test\.ts$|\.d\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );

const importsOf = (file: string): { from: string; typeOnly: boolean }[] =>
  [...readFileSync(file, 'utf8').matchAll(/^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => ({
    from: m[3],
    typeOnly: m[2] !== undefined,
  }));

describe('sdk/src imports', () => {
  it.each(sources(src).map((f) => relative(src, f)))('%s imports only what the package may', (file) => {
    const outside = importsOf(join(src, file)).filter((i) => !i.from.startsWith('.') && i.from !== 'standardwebhooks');
    const allowed = typesOnly[file];
    expect(outside.filter((i) => !(i.from === allowed && i.typeOnly))).toEqual([]);
  });

  it('finds the imports it checks (the scan is not vacuous)', () => {
    expect(importsOf(join(src, 'receivers/express.ts'))).toEqual(expect.arrayContaining([{ from: 'express', typeOnly: true }]));
    expect(importsOf(join(src, 'webhooks/verify.ts'))).toEqual([{ from: 'standardwebhooks', typeOnly: false }]);
  });
});
