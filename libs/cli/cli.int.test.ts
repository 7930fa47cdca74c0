import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(__dirname, '..', '..', 'bin', 'punctual.js');
const run = (args: string[], dataDir: string) =>
  execFileSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { encoding: 'utf8' });

describe('operator CLI', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'punctual-cli-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a tenant with a control key and reads its (empty) usage', () => {
    const created = JSON.parse(run(['tenants', 'create', '--name', 'acme', '--plan', 'pro', '--json'], dataDir));
    expect(created).toMatchObject({
      id: expect.stringMatching(/^ten_/),
      name: 'acme',
      plan: 'pro',
      controlKey: { key: expect.stringMatching(/^pk_/) },
    });
    const usage = JSON.parse(run(['usage', '--tenant', created.id, '--from', '2026-01-01', '--to', '2026-01-31', '--json'], dataDir));
    expect(usage).toEqual({ items: [], totals: { requests: 0, messagesScheduled: 0, deliveries: 0, attempts: 0, failures: 0 } });
  });

  it('explains mistakes and exits non-zero', () => {
    expect(() => run(['tenants', 'create', '--name', 'x', '--plan', 'gold'], dataDir)).toThrow(/unknown plan "gold"/);
    expect(() => run(['usage', '--tenant', 'ten_nope'], dataDir)).toThrow(/not found/);
    expect(() => run(['frobnicate'], dataDir)).toThrow(/unknown command/);
  });
});
