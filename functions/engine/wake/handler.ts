import type { WakeUp } from '../../../libs/engine/eventbridge/engine';
import { currentContainer } from '../../../libs/lambda/container';

/**
 * A minute bucket's EventBridge Scheduler `at()` wake-up (async invocation: Scheduler retries and
 * dead-letters it). Queues one page job per due-index shard of the bucket; the deliver function does the pages.
 */
export const handler = async (event: WakeUp): Promise<{ bucket: number }> => {
  if (!Number.isSafeInteger(event?.bucket)) throw new TypeError(`a wake-up names its bucket (epoch ms); got ${JSON.stringify(event)}`);
  const { engine } = await currentContainer();
  await engine.wake(event.bucket);
  return { bucket: event.bucket };
};
