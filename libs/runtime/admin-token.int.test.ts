import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonClient } from '../../chaos/http';
import { startChild, type ChildServer } from '../../e2e/support/child';
import { eventually } from '../../test/support/eventually';
import { runCli, runMainToExit } from '../../test/support/server-process';
import { adminTokenFile } from './admin-token';
import { ExitCode } from './start-errors';

/** The admin token a start printed (`export PUNCTUAL_ADMIN_TOKEN=…`), or undefined. */
const printedToken = (output: string): string | undefined => /export PUNCTUAL_ADMIN_TOKEN=(pat_[\w-]+)/.exec(output)?.[1];

const createTenant = (url: string, token: string) =>
  jsonClient(url, { authorization: `Bearer ${token}` }).call('POST', '/v1/tenants', { name: 'acme', plan: 'trial' });

/** The admin token of a data directory without PUNCTUAL_ADMIN_TOKEN: never lost to a failed start, rotatable beside a running server. */
describe('admin token (child processes)', () => {
  let dataDir: string;
  let busy: Server;
  let server: ChildServer | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-admin-token-'));
  });
  afterAll(async () => {
    server?.process.kill('SIGKILL');
    await server?.exited;
    await new Promise((r) => (busy ? busy.close(r) : r(undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps no token from a start on a busy port (exit 3); the next start prints one that works for POST /v1/tenants', async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;

    const failed = await runMainToExit({ PORT: String(port), PUNCTUAL_DATA_DIR: dataDir });
    expect(failed.code).toBe(ExitCode.environment);
    expect(failed.stderr).toMatch(new RegExp(`port ${port} is already in use`));
    expect(printedToken(failed.stdout)).toBeUndefined();
    expect(existsSync(join(dataDir, adminTokenFile))).toBe(false);

    server = await startChild({ PUNCTUAL_DATA_DIR: dataDir, PUNCTUAL_ADMIN_TOKEN: '' });
    const token = printedToken(server.output());
    expect(token).toBeDefined();
    expect(existsSync(join(dataDir, adminTokenFile))).toBe(true);
    const created = await createTenant(server.url, token!);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ plan: 'trial', controlKey: { key: expect.stringMatching(/^pk_/) } });
  }, 90_000);

  it('rotates beside the running server: the new token works and the old one is refused, without a restart', async () => {
    const old = printedToken(server!.output())!;
    const rotated = await runCli(['admin-token', 'rotate', '--json'], dataDir);
    expect(rotated.code).toBe(0);
    const fresh = (JSON.parse(rotated.stdout) as { adminToken: string }).adminToken;
    expect(fresh).toMatch(/^pat_/);
    expect(fresh).not.toBe(old);
    // The server reads the stored hash again within a second.
    await eventually(async () => (await createTenant(server!.url, fresh)).status === 201, { intervalMs: 200 });
    expect((await createTenant(server!.url, old)).status).toBe(401);
  }, 60_000);

  it('will not rotate a token set in PUNCTUAL_ADMIN_TOKEN: the server uses the variable', async () => {
    const refused = await runCli(['admin-token', 'rotate'], dataDir, { PUNCTUAL_ADMIN_TOKEN: 'x'.repeat(32) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/PUNCTUAL_ADMIN_TOKEN is set/);
  }, 60_000);
});
