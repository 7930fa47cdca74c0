import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNoisyNeighbour } from '../../chaos/noisy';
import { startReceiver, type Receiver } from '../../test/support/receiver';
import { loadLocalConfig } from '../runtime/config';
import { startLocal, type LocalRuntime } from '../runtime/local';
import { createLogger } from '../observability/logger';

/**
 * The noisy neighbour over the real server and a real receiver (#18): tenant X's 100 apps never answer
 * (`maxConcurrency` 1000, `timeoutMs` 60000, 600 messages), and once they hold their delivery slots,
 * tenant Y's 600 messages to a receiver answering in 100 ms must still be on time. Both tenants are on the
 * `unlimited` plan, so the plan's share does not help: the per-tenant fairness of the engine has to.
 */
describe('noisy neighbour (real server and receiver)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let receiver: Receiver;
  const adminToken = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'punctual-noisy-'));
    receiver = await startReceiver();
    const config = loadLocalConfig({
      PORT: '0',
      PUNCTUAL_DATA_DIR: dataDir,
      PUNCTUAL_ADMIN_TOKEN: adminToken,
      PUNCTUAL_DRAIN_TIMEOUT_MS: '200',
    });
    runtime = await startLocal(config, { logger: createLogger('silent') });
  });
  afterAll(async () => {
    await receiver.close(); // resets the hanging connections first
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("delivers a healthy tenant's 600 messages on time beside a tenant whose 100 apps hang: p99 lateness ≤ 3 s", async () => {
    const r = await runNoisyNeighbour({ baseUrl: runtime.url, adminToken, receiver });
    // X holds slots, but not all of them: the reserve and Y's equal share are left.
    expect(r.noisyHanging).toBeGreaterThan(100);
    expect(r.noisyHanging).toBeLessThanOrEqual(512 - 64);
    expect(r.arrived).toBe(600);
    expect(r.lateness.p99).toBeLessThanOrEqual(3_000);
  }, 90_000);
});
