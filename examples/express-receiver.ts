// An Express receiver that trusts a delivery only once its signature checks out, and handles each
// message once although delivery is at-least-once (`webhook-id` is the message id on every attempt).
//
// Run against `npm start`: create an app whose target is http://127.0.0.1:4000/webhooks (see the README's
// quickstart), keep its `signingSecret`, then
//   PUNCTUAL_SIGNING_SECRET=whsec_... npx tsx examples/express-receiver.ts
// and send the app a message: the receiver prints one JSON line per message. A forged or stale delivery gets 401.
// During a secret rotation, give both secrets separated by a comma. PORT overrides 4000 (0 picks a free port).
import express from 'express';
import type { WebhookEvent } from '@punctual/sdk';
import { webhookMiddleware } from '@punctual/sdk/express';

const secrets = (process.env.PUNCTUAL_SIGNING_SECRET ?? '').split(',').filter(Boolean);
if (!secrets.length) throw new Error("set PUNCTUAL_SIGNING_SECRET to the app's signing secret (whsec_...)");

const app = express();
const handled = new Set<string>(); // a real receiver keeps this in its database, with the work it did

// The middleware reads the raw body itself: no express.json() before it on this route.
app.post('/webhooks', webhookMiddleware({ secret: secrets }), (_req, res) => {
  const event: WebhookEvent = res.locals.webhook;
  if (!handled.has(event.id)) {
    handled.add(event.id);
    console.log(JSON.stringify({ id: event.id, attempt: event.attempt, payload: event.payload }));
  }
  res.sendStatus(204);
});

const server = app.listen(Number(process.env.PORT ?? 4000), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : process.env.PORT;
  console.log(`listening on http://127.0.0.1:${port}/webhooks`);
});
process.on('SIGTERM', () => server.close());
