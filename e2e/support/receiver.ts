import { startReceiver as startReceiverWith, type Receiver } from '../../test/support/receiver';
import { patience } from './local-only';
import { stageFromEnv } from './stage-env';

export type { Receiver } from '../../test/support/receiver';

/**
 * The shared receiver (test/support/receiver.ts) as the e2e suite needs it: locally on a random port;
 * against a deployed stage on PUNCTUAL_E2E_RECEIVER_PORT, behind the tunnel of PUNCTUAL_E2E_RECEIVER_URL,
 * with `waitFor` stretched by `patience`.
 */
export const startReceiver = async (): Promise<Receiver> => {
  const stage = stageFromEnv();
  if (!stage) return startReceiverWith();
  try {
    return await startReceiverWith({ port: stage.receiverPort, publicUrl: stage.receiverUrl, patience });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new Error(
      `the receiver port ${stage.receiverPort} (PUNCTUAL_E2E_RECEIVER_PORT) is in use: run test files one at a time ` +
        '(npm run e2e:stage does, with --runInBand) and stop anything else on it',
    );
  }
};
