/**
 * Test support only (never imported by production code): the schedule services, a SQLite file
 * store and the materialiser over a ManualClock, with an engine that just records what it is given.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppService } from '../../libs/apps/service';
import { AesSecretBox } from '../../libs/secrets/aes';
import type { ManualClock } from '../../libs/domain/clock';
import { Materializer, type MaterializerOptions } from '../../libs/schedules/materializer';
import type { Principal } from '../../libs/keys/model';
import { controlKey } from './fixtures';
import type { Message } from '../../libs/messages/model';
import type { DueRef } from '../../libs/messages/port';
import { MessageService } from '../../libs/messages/service';
import { createLogger } from '../../libs/observability/logger';
import { createSqliteStores } from '../../libs/store/sqlite';
import type { RunSink } from '../../libs/schedules/runs';
import { ScheduleService } from '../../libs/schedules/service';

/** A temporary data directory that outlives harness restarts. */
export const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'punctual-schedules-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

export type Harness = ReturnType<typeof openHarness>;

/** Opens (or reopens, simulating a restart) the services on the database in `dir`. */
export const openHarness = (
  dir: string,
  clock: ManualClock,
  options: { sink?: (inner: RunSink) => RunSink; materializer?: Partial<MaterializerOptions> } = {},
) => {
  const stores = createSqliteStores({ filename: join(dir, 'punctual.db') });
  const enqueued: DueRef[] = [];
  const messages = new MessageService({
    messages: stores.messages,
    apps: stores.apps,
    engine: { enqueue: async (refs) => void enqueued.push(...refs) },
    clock,
  });
  const runs = options.sink ? options.sink(messages) : messages;
  const schedules = new ScheduleService({ schedules: stores.schedules, apps: stores.apps, messages: stores.messages, runs, clock });
  const apps = new AppService({
    apps: stores.apps,
    messages: stores.messages,
    clock,
    checkTarget: () => undefined,
    secrets: new AesSecretBox(randomBytes(32)),
    onDeleted: (t, a) => schedules.onAppDeleted(t, a),
  });
  const logger = createLogger('silent');
  const materializer = new Materializer(
    { schedules: stores.schedules, messages: stores.messages, runs, clock, logger },
    options.materializer,
  );
  return {
    stores,
    messages,
    schedules,
    apps,
    materializer,
    enqueued,
    /** The schedule's runs in order of creation (ids order by second only, so sort by the fake clock). */
    runs: async (p: Principal, scheduleId: string): Promise<Message[]> =>
      (await stores.messages.list(p.tenantId, { scheduleId }, { limit: 100 })).items.sort(
        (a, b) => a.createdAt - b.createdAt || a.sendAt - b.sendAt,
      ),
    close: async () => {
      await materializer.close();
      stores.close();
    },
  };
};

/** A fresh data directory with the harness open on it, a control key of a fresh tenant, and one app of that tenant. */
export const openHarnessWithApp = async (clock: ManualClock) => {
  const dir = tempDir();
  const h = openHarness(dir.dir, clock);
  const p = controlKey();
  const appId = (await h.apps.create(p, { name: 'a', target: { type: 'http', url: 'https://example.com/hook' } })).id;
  return { dir, h, p, appId };
};
