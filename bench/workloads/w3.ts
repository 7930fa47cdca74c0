import { rmSync } from 'node:fs';
import { defer } from '../lib/cleanup';
import { enqueue, isoAt, runPool } from '../lib/enqueue';
import { Api } from '../lib/http';
import { note, report } from '../lib/report';
import { RssSampler } from '../lib/rss';
import { dirSizeMB, startServer } from '../lib/server';
import { startStack, type BenchContext } from '../lib/stack';
import { perSecond, sleep, summarize, wallNow } from '../lib/stats';

export interface W3Params {
  /** Pending messages to hold, due in a week or later. */
  n: number;
  /** Batch calls in flight while inserting. */
  concurrency: number;
  /** GET-by-id probes (lists get a tenth of it). */
  probes: number;
}

/** Round trips of `count` calls made `concurrency` at a time, within `limitMs`. */
const probe = async (count: number, concurrency: number, limitMs: number, call: (i: number) => Promise<{ status: number; ms: number }>) => {
  const ms: number[] = [];
  let errors = 0;
  await runPool(concurrency, count, performance.now() + limitMs, async (i) => {
    const r = await call(i);
    ms.push(r.ms);
    if (r.status >= 300) errors++;
  });
  return { ...summarize(ms), errors };
};

/**
 * W3 open tasks: n messages due far ahead held in the store; memory, database size, API latency
 * while holding them, then a restart: time to serve and to fire a new message due at once.
 */
export const w3 = async (ctx: BenchContext, p: W3Params): Promise<void> => {
  const s = await startStack(ctx);
  const dataDir = s.server.dataDir;
  const removeData = defer(`data ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  let restarted: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const weekAhead = Date.now() + 7 * 86_400_000;
    const spread = 86_400_000 / p.n;
    note(`w3: inserting ${p.n} messages due from a week ahead`);
    const e = await enqueue(s.api, s.tenant, {
      n: p.n,
      concurrency: p.concurrency,
      batchSize: 100,
      sendAt: (i) => isoAt(weekAhead + Math.floor(i * spread)),
      timeLimitMs: 20 * 60_000,
    });
    const ids = e.ids.filter((id): id is string => id !== undefined);
    const afterInsert = s.rss.read();
    await sleep(2_000); // let the WAL settle and a refill pass
    const held = s.rss.read();
    const dbMB = dirSizeMB(dataDir);
    note(`w3: ${e.accepted} accepted in ${Math.round(e.ms)} ms; probing the API`);
    const key = s.tenant.key;
    const pick = (i: number) => ids[(i * 7919) % ids.length];
    const api = {
      getById: await probe(p.probes, 4, 60_000, (i) => s.api.call('GET', `/v1/messages/${pick(i)}`, { key })),
      list: await probe(p.probes / 10, 4, 60_000, () => s.api.call('GET', '/v1/messages?limit=100', { key })),
      listByApp: await probe(p.probes / 10, 4, 60_000, () => s.api.call('GET', `/v1/messages?limit=100&appId=${s.tenant.appId}`, { key })),
      listScheduled: await probe(p.probes / 10, 4, 60_000, () => s.api.call('GET', '/v1/messages?limit=100&status=scheduled', { key })),
      // A filter that matches nothing among the held messages: how the list behaves on a sparse status.
      listDelivered: await probe(20, 1, 60_000, () => s.api.call('GET', '/v1/messages?limit=100&status=delivered', { key })),
    };

    note('w3: restarting the server');
    const stopStarted = performance.now();
    await s.server.stop({ keepData: true });
    const stopMs = Math.round(performance.now() - stopStarted);
    await s.api.close();
    s.rss.stop();
    restarted = await startServer({ dataDir, adminToken: s.server.adminToken, dataRoot: ctx.dataRoot });
    const rss2 = new RssSampler(restarted.pid, 100);
    const api2 = new Api(restarted.url, 8);
    const created = await api2.call('POST', '/v1/messages', { key, body: { appId: s.tenant.appId, payload: { restart: true } } });
    const createdAt = wallNow() - created.ms;
    const id = created.body?.id as string;
    const missing = created.status === 201 ? await s.receiver.waitFor([id], Date.now() + 30_000, 1) : 1;
    const arrival = s.receiver.arrivals.get(id)?.at;
    await sleep(1_000);
    const restartMem = rss2.stop();
    await api2.close();
    report(
      'w3',
      { ...p },
      {
        insert: {
          accepted: e.accepted,
          seconds: Math.round(e.ms) / 1000,
          ratePerSec: perSecond(e.accepted, e.ms),
          callMs: summarize(e.callMs),
          errors: JSON.stringify(e.errors),
          unsent: e.unsent,
        },
        held: {
          rssAfterInsertMB: afterInsert.rssLastMB,
          rssHeldMB: held.rssLastMB,
          rssMaxMB: held.rssMaxMB,
          hwmMB: held.hwmMB,
          databaseMB: dbMB,
        },
        apiMs: api,
        restart: {
          stopMs,
          listeningMs: restarted.listeningMs,
          readyMs: restarted.readyMs,
          createStatus: created.status,
          createMs: Math.round(created.ms * 100) / 100,
          createToArrivalMs: arrival ? Math.round(arrival - createdAt) : 'never',
          spawnToFirstFireMs: arrival ? Math.round(arrival - restarted.spawnedAt) : 'never',
          lost: missing,
          rssMB: restartMem.rssLastMB,
          hwmMB: restartMem.hwmMB,
        },
      },
      ctx.machine,
      { rssMB: '≤ 400 (1M)', readyMs: '≤ 5000' },
    );
  } finally {
    await restarted?.stop();
    await s.close();
    await removeData();
  }
};
