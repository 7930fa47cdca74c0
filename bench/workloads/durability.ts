import { enqueue, isoAt } from '../lib/enqueue';
import { note, report } from '../lib/report';
import { startStack, type BenchContext } from '../lib/stack';
import { perSecond, summarize } from '../lib/stats';

export interface DurabilityParams {
  /** Messages per enqueue run. */
  n: number;
  /** Single-create calls in flight (batch runs use 4). */
  concurrency: number;
}

/** Enqueue rate with PUNCTUAL_SQLITE_SYNCHRONOUS=NORMAL vs FULL, single and batch creates (due in a day). */
export const durability = async (ctx: BenchContext, p: DurabilityParams): Promise<void> => {
  const figures: Record<string, unknown> = {};
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const s = await startStack(ctx, { env: { PUNCTUAL_SQLITE_SYNCHRONOUS: synchronous } });
    try {
      const row: Record<string, unknown> = {};
      for (const [mode, batchSize, concurrency] of [
        ['single', 1, p.concurrency],
        ['batch', 100, 4],
      ] as const) {
        note(`durability: ${synchronous} ${mode}`);
        const e = await enqueue(s.api, s.tenant, {
          n: p.n,
          concurrency,
          batchSize,
          sendAt: () => isoAt(Date.now() + 86_400_000),
          timeLimitMs: 120_000,
        });
        row[mode] = {
          ratePerSec: perSecond(e.accepted, e.ms),
          callMsP50: summarize(e.callMs).p50,
          callMsP99: summarize(e.callMs).p99,
          errors: JSON.stringify(e.errors),
        };
      }
      figures[synchronous.toLowerCase()] = row;
    } finally {
      await s.close();
    }
  }
  report('durability', { ...p }, figures, ctx.machine);
};
