import { appendFileSync } from 'node:fs';
import { isStageRun } from './stage-env';

/**
 * Tests that only make sense against the local server (they configure it, restart it, or need
 * PUNCTUAL_ALLOW_PRIVATE_TARGETS) are declared with these instead of `it`/`describe`: against a deployed
 * stage they are skipped, and the reason is reported once. Under `npm run e2e:stage` the runner collects
 * the reasons from every test file (PUNCTUAL_E2E_SKIP_LOG) and prints each once at the end; a plain
 * jest run prints each reason once per test file.
 */

const printed = new Set<string>();

const noteSkip = (reason: string): void => {
  const log = process.env.PUNCTUAL_E2E_SKIP_LOG;
  if (log) {
    appendFileSync(log, `${reason.replace(/\s+/g, ' ')}\n`);
    return;
  }
  if (printed.has(reason)) return;
  printed.add(reason);
  console.warn(`skipped against a deployed stage: ${reason}`);
};

/** `it` locally; `it.skip` against a deployed stage, for `reason`. */
export const itLocal = (reason: string): jest.It => {
  if (!isStageRun()) return it;
  noteSkip(reason);
  return it.skip;
};

/** `describe` locally; `describe.skip` against a deployed stage, for `reason`. */
export const describeLocal = (reason: string): jest.Describe => {
  if (!isStageRun()) return describe;
  noteSkip(reason);
  return describe.skip;
};

/**
 * How long to wait for something asynchronous: `ms` locally; against a stage, `ms` times
 * PUNCTUAL_E2E_PATIENCE (default 6), since SQS, EventBridge Scheduler, cold starts and a tunnel sit
 * between a request and its delivery.
 */
export const patience = (ms: number): number => {
  if (!isStageRun()) return ms;
  const factor = Number(process.env.PUNCTUAL_E2E_PATIENCE ?? 6);
  return Number.isFinite(factor) && factor >= 1 ? ms * factor : ms * 6;
};
