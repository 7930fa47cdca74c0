import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type LocalPunctual, newTenant, startPunctual } from '../../test/support/punctual';
import { type Receiver, startReceiver } from '../../test/support/receiver';

/**
 * The package as a user gets it: `npm pack` (which builds it), installed from the tarball into an empty
 * folder, then used from an ES module and from a CommonJS script against a running server, and type-checked
 * as a consumer's TypeScript would resolve it.
 */
const run = promisify(execFile);
const sdkDir = join(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');

/** The consumer script, in either module syntax: create a message, read it back, verify a captured delivery. */
const consumer = (imports: string) => `${imports}
const main = async () => {
  const env = process.env;
  const p = new Punctual({ baseUrl: env.PUNCTUAL_URL, apiKey: env.PUNCTUAL_API_KEY });
  const created = await p.messages.create({ appId: env.APP_ID, payload: { from: env.FLAVOUR }, delaySeconds: 3600 });
  const read = await p.messages.get(created.id);
  const delivery = JSON.parse(env.DELIVERY);
  const verified = verifyWebhook(delivery.body, delivery.headers, delivery.secret);
  let refused = '';
  try {
    verifyWebhook(delivery.body + ' ', delivery.headers, delivery.secret);
  } catch (err) {
    refused = err instanceof WebhookVerificationError ? err.name : 'wrong error class';
  }
  let missing = {};
  await p.messages.get('msg_missing').catch((err) => {
    missing = { isPunctualError: err instanceof PunctualError, status: err.status, code: err.code };
  });
  const keyed = created.idempotencyKey !== undefined;
  console.log(JSON.stringify({ created: keyed, read: read.payload, verified, refused, missing, adapter: typeof webhookHandler }));
};
main().catch((err) => { console.error(err); process.exitCode = 1; });
`;

describe('@punctual/sdk packed', () => {
  let server: LocalPunctual;
  let receiver: Receiver;
  let dir: string;
  beforeAll(async () => {
    server = await startPunctual();
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'punctual-sdk-pack-'));
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs from its tarball and works from ESM and CommonJS, with types resolved for both', async () => {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: sdkDir, maxBuffer: 16 * 1024 * 1024 });
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
        'dist/esm/schema.d.ts',
        'dist/esm/package.json',
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
        'dist/cjs/schema.d.ts',
        'dist/cjs/package.json',
        'dist/esm/receivers/express.js',
        'dist/cjs/receivers/hono.js',
      ]),
    );
    expect(paths.filter((p) => !p.startsWith('dist/') && p !== 'package.json' && p !== 'README.md')).toEqual([]);
    expect(paths.filter((p) => p.includes('.test.'))).toEqual([]);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }));
    await run('npm', ['install', join(dir, filename), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app });

    const t = await newTenant(server, { url: `${receiver.url}/packed` });
    const sent = await t.control.messages.create({ appId: t.app!.id, payload: 'a string payload' });
    const [got] = await receiver.waitFor('/packed', 1);
    expect(got.headers['webhook-id']).toBe(sent.id);
    const env = {
      ...process.env,
      PUNCTUAL_URL: server.baseUrl,
      PUNCTUAL_API_KEY: t.controlKey,
      APP_ID: t.app!.id,
      DELIVERY: JSON.stringify({ body: got.body, headers: got.headers, secret: t.app!.signingSecret }),
    };
    const names = 'Punctual, PunctualError, verifyWebhook, WebhookVerificationError';
    writeFileSync(
      join(app, 'check.mjs'),
      consumer(`import { ${names} } from '@punctual/sdk';\nimport { webhookHandler } from '@punctual/sdk/next';`),
    );
    writeFileSync(
      join(app, 'check.cjs'),
      consumer(`const { ${names} } = require('@punctual/sdk');\nconst { webhookHandler } = require('@punctual/sdk/next');`),
    );
    for (const flavour of ['mjs', 'cjs']) {
      const out = await run(process.execPath, [`check.${flavour}`], { cwd: app, env: { ...env, FLAVOUR: flavour } });
      expect(JSON.parse(out.stdout)).toEqual({
        created: true,
        read: { from: flavour },
        verified: 'a string payload',
        refused: 'WebhookVerificationError',
        missing: { isPunctualError: true, status: 404, code: 'not_found' },
        adapter: 'function',
      });
    }

    // A consumer's TypeScript finds the declarations through the `types` conditions, from ESM and from CommonJS.
    const typed = `import { Punctual, type Message } from '@punctual/sdk';
import { webhookHandler } from '@punctual/sdk/next';
const p = new Punctual({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'k' });
export const list = async (): Promise<Message[]> => (await p.messages.list({ status: 'failed' })).items;
export const POST = webhookHandler({ secret: 'whsec_x' }, (event) => new Response(String(event.id)));
// @ts-expect-error: the status filter is typed from openapi.yaml
p.messages.list({ status: 'lost' });
`;
    writeFileSync(join(app, 'typed.mts'), typed);
    writeFileSync(join(app, 'typed.cts'), typed);
    const flags = [
      '--noEmit',
      '--strict',
      '--module',
      'node16',
      '--moduleResolution',
      'node16',
      '--target',
      'es2022',
      '--lib',
      'es2022,dom',
    ];
    const errors = await run(process.execPath, [tsc, ...flags, 'typed.mts', 'typed.cts'], { cwd: app }).then(
      () => '',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    expect(errors).toBe('');
  }, 240_000);
});
