import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient } from '../../chaos/http';
import { createLogger } from '../observability/logger';
import { loadLocalConfig } from './config';
import { startLocal } from './local';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** The data directory holds the database and the admin token's hash: its owner's alone, whatever the umask. */
describe('data directory modes (real server)', () => {
  let scratch: string;
  let umask: number;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'punctual-modes-'));
    umask = process.umask(0o022); // the usual umask, which would leave new files world-readable
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('creates the directory 0700 and every file in it 0600 under umask 022', async () => {
    const dataDir = join(scratch, 'new', 'data');
    const runtime = await startLocal(loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir }), { logger: createLogger('silent') });
    try {
      // A write, so that the WAL and shared-memory files exist.
      const created = await jsonClient(runtime.url, { authorization: `Bearer ${runtime.generatedAdminToken}` }).post('/v1/tenants', {
        name: 'modes',
      });
      expect(created.id).toMatch(/^ten_/);
      const files = readdirSync(dataDir).sort();
      expect(files).toEqual(['admin-token.sha256', 'punctual.db', 'punctual.db-shm', 'punctual.db-wal', 'punctual.lock', 'secrets.key']);
      expect(modeOf(dataDir)).toBe('700');
      expect(Object.fromEntries(files.map((f) => [f, modeOf(join(dataDir, f))]))).toEqual(Object.fromEntries(files.map((f) => [f, '600'])));
    } finally {
      await runtime.close();
    }
  });

  it('tightens an existing directory and its files at start, and says so in the log', async () => {
    const dataDir = join(scratch, 'loose');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'notes.txt'), 'left by hand');
    chmodSync(join(dataDir, 'notes.txt'), 0o644);
    const logs: string[] = [];
    const runtime = await startLocal(loadLocalConfig({ PORT: '0', PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: 'y'.repeat(32) }), {
      logger: createLogger('info', (line) => logs.push(line)),
    });
    try {
      expect(modeOf(dataDir)).toBe('700');
      expect(modeOf(join(dataDir, 'notes.txt'))).toBe('600');
      const line = logs
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => /tightened the data directory/.test(String(l.msg)));
      expect(line).toMatchObject({ level: 'warn', dataDir, tightened: expect.arrayContaining([dataDir, join(dataDir, 'notes.txt')]) });
    } finally {
      await runtime.close();
    }
  });
});
