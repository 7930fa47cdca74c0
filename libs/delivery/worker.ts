import { parentPort, workerData } from 'node:worker_threads';
import type { DeliveryOutcome } from './outcome';
import type { ToWorker } from './pool';
import { WebhookClient, type WebhookClientOptions } from './webhook';

/**
 * A delivery worker thread (started by `DeliveryPool` through worker-entry.js): runs the webhook
 * client on its own event loop and undici pool. Requests arrive in batches, and outcomes go back
 * in batches, one message per event-loop turn each way.
 */
const port = parentPort;
if (!port) throw new Error('libs/delivery/worker.ts runs only as a worker thread');

const client = new WebhookClient(workerData as WebhookClientOptions);
let results: (number | DeliveryOutcome)[] = [];
let scheduled = false;
let inFlight = 0;
let closing = false;

const send = (): void => {
  scheduled = false;
  if (!results.length) return;
  port.postMessage(results);
  results = [];
};

/** Finishes a close once nothing is in flight: hand back the last outcomes, then say so. */
const finish = (): void => {
  void client.close().finally(() => {
    send();
    port.postMessage('closed');
    port.close();
  });
};

const settle = (id: number, outcome: DeliveryOutcome): void => {
  results.push(id, outcome);
  if (--inFlight === 0 && closing) return finish();
  if (!scheduled) {
    scheduled = true;
    setImmediate(send);
  }
};

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'deliver') {
    const { ids, reqs } = msg;
    inFlight += ids.length;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      client.deliver(reqs[i]).then(
        (outcome) => settle(id, outcome),
        (err: unknown) => settle(id, { kind: 'retry', error: `delivery error: ${(err as Error)?.message ?? String(err)}`, durationMs: 0 }),
      );
    }
  } else if (msg.t === 'close') {
    // The pool sends no more requests: finish those in flight, hand back their outcomes, then say so.
    closing = true;
    if (inFlight === 0) finish();
  }
});
