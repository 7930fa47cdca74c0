import { currentContainer } from '../../../libs/lambda/container';

/**
 * The sweep, every minute (EventBridge rate rule): schedule occurrences due within the horizon become
 * messages (sent to SQS with their delay), and scheduled messages overdue past the sweep bound are re-sent.
 */
export const handler = async (): Promise<{ schedules: number; runs: number; swept: number }> => {
  const { materializer, engine, logger } = await currentContainer();
  const stats = await materializer.tick();
  if (stats.skipped || stats.conflicts) logger.warn('schedules: missed or contended occurrences', { ...stats });
  const swept = await engine.sweep();
  return { schedules: stats.schedules, runs: stats.runs, swept };
};
