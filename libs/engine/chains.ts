import type { Message } from '../messages/model';
import type { AttemptResult } from '../messages/port';
import type { Logger } from '../observability/logger';

/**
 * Admits chained messages as the API admits messages (the tenant's plan: pending limit, suspension): per message, why it
 * is refused, or undefined. Both runtimes pass the plan limiter's run admission.
 */
export type AdmitChains = (chains: Message[]) => Promise<(string | undefined)[]>;

/**
 * Cuts the chains of `results` that admission refuses, recording the reason as the source's `chainCut`, before the
 * results are written. When admission cannot be asked, the chains go ahead (the store is the truth; delivery stays
 * at-least-once).
 */
export const cutRefusedChains = async (results: AttemptResult[], admit: AdmitChains | undefined, logger: Logger): Promise<void> => {
  const asking = results.filter((r) => r.chain);
  if (!asking.length || !admit) return;
  let refusals: (string | undefined)[];
  try {
    refusals = await admit(asking.map((r) => r.chain!));
  } catch (err) {
    logger.error('could not admit chained messages; creating them', { err });
    return;
  }
  for (const [i, reason] of refusals.entries()) {
    if (reason === undefined) continue;
    asking[i].chainCut = `not chained to app ${asking[i].chain!.appId}: ${reason.replace(/^skipped: /, '')}`;
    asking[i].chain = undefined;
  }
};
