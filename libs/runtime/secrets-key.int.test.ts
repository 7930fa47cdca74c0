/**
 * The embedded runtime's secrets key on a real data directory: a database written before encryption is
 * sealed at start (no clear value left in the file or the WAL, deliveries still signed with the old secret),
 * and a data directory whose key is missing, or another one, does not start: one line, exit code 3.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { anApp, controlKey } from '../../test/support/fixtures';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { parseInput } from '../domain/validate';
import { messageCreateSchema } from '../messages/schemas';
import { createLogger } from '../observability/logger';
import { SecretsKeyMismatchError, SecretsKeyMissingError } from '../secrets/errors';
import { createSqliteStores } from '../store/sqlite';
import { databasePath } from '../store/sqlite/database';
import { loadLocalConfig } from './config';
import { startLocal } from './local';
import { ExitCode, explainStartError } from './start-errors';

let dataDir: string;
let receiver: Receiver;
const logs: string[] = [];
const legacySecret = `whsec_${randomBytes(32).toString('base64')}`;
const legacyHeader = `legacy-${randomBytes(12).toString('hex')}`;
const p = controlKey({ plan: 'unlimited' });
const config = () =>
  loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: randomBytes(24).toString('base64url') });
const files = () => readdirSync(dataDir).map((file) => ({ file, bytes: readFileSync(join(dataDir, file)) }));
const inClear = () =>
  files()
    .filter(({ bytes }) => bytes.includes(legacyHeader) || bytes.includes(legacySecret.slice('whsec_'.length)))
    .map((f) => f.file);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'punctual-legacy-'));
  receiver = await startReceiver();
  // A database as punctual wrote it before encryption: the app's secret and header value in clear.
  const stores = createSqliteStores({ filename: databasePath(dataDir) });
  await stores.apps.create(
    anApp({
      tenantId: p.tenantId,
      signingSecret: legacySecret,
      target: { type: 'http', url: `${receiver.url}/legacy`, headers: { authorization: `Bearer ${legacyHeader}` } },
    }),
  );
  stores.close();
});

afterAll(async () => {
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the secrets key of a data directory', () => {
  let appId: string;

  it('seals the secrets of a database written before encryption at the first start, leaving none in clear', async () => {
    expect(inClear()).toEqual(['punctual.db']);
    const runtime = await startLocal(config(), { logger: createLogger('info', (l) => logs.push(l)) });
    try {
      expect(logs.some((l) => l.includes('sealed the secrets of apps stored before encryption') && l.includes('"apps":1'))).toBe(true);
      expect(logs.some((l) => l.includes('generated the key that seals'))).toBe(true);
      expect(inClear()).toEqual([]);
      const [app] = (await runtime.services.apps.list(p, { limit: 10 })).items;
      appId = app.id;
      expect(app.signingSecret).toMatch(/^enc:v1:/);
      // The engine opens them: the delivery carries the header and the old secret's signature.
      const created = await runtime.services.messages.create(p, parseInput(messageCreateSchema, { appId, payload: { n: 1 } }));
      const [hit] = await receiver.waitFor('/legacy', 1);
      expect(hit.headers.authorization).toBe(`Bearer ${legacyHeader}`);
      expect(new Webhook(legacySecret).verify(hit.body, hit.headers as Record<string, string>)).toEqual({ n: 1 });
      expect(hit.headers['webhook-id']).toBe(created.message.id);
      expect(inClear()).toEqual([]);
    } finally {
      await runtime.close();
    }
    expect(inClear()).toEqual([]);
    expect(logs.join('')).not.toContain(legacyHeader);
  });

  it('refuses to start without its key, and with another one (exit 3, one line naming what to do)', async () => {
    renameSync(join(dataDir, 'secrets.key'), join(dataDir, 'secrets.key.bak'));
    const missing = await startLocal(config(), { logger: createLogger('silent') }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(SecretsKeyMissingError);
    expect(explainStartError(missing, { dataDir, port: 0, host: '' })).toEqual({
      exitCode: ExitCode.environment,
      message: expect.stringContaining(`restore ${join(dataDir, 'secrets.key')} from your backup, or set PUNCTUAL_SECRETS_KEY`),
    });
    expect(readdirSync(dataDir)).not.toContain('secrets.key'); // no new key was made up

    const other = loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_SECRETS_KEY: randomBytes(32).toString('base64') });
    await expect(startLocal(other, { logger: createLogger('silent') })).rejects.toThrow(SecretsKeyMismatchError);

    // `npm start` says it in one line and exits 3.
    const started = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, 'main.ts')], {
      env: {
        ...process.env,
        PORT: '0',
        PUNCTUAL_DATA_DIR: dataDir,
        PUNCTUAL_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
        PUNCTUAL_LOG_LEVEL: 'info',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status).toBe(ExitCode.environment);
    expect(started.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^punctual: could not start: the secrets in .* are sealed with a key that is missing/),
    ]);
  }, 90_000);

  it('starts again once the key is back, with the secrets intact', async () => {
    renameSync(join(dataDir, 'secrets.key.bak'), join(dataDir, 'secrets.key'));
    const runtime = await startLocal(config(), { logger: createLogger('silent') });
    try {
      await runtime.services.messages.create(p, parseInput(messageCreateSchema, { appId, payload: { n: 2 } }));
      const [, hit] = await receiver.waitFor('/legacy', 2);
      expect(new Webhook(legacySecret).verify(hit.body, hit.headers as Record<string, string>)).toEqual({ n: 2 });
    } finally {
      await runtime.close();
    }
  });
});
