// Action routing by app: each action type has its own app — its own target, signing secret and retry
// policy — and the sender picks the app by the action's `type`. One batch call carries actions of both
// types; each reaches only its own target.
//
// Run against `npm start`, with a control key and a receiver on port 4000 as in the README's quickstart:
//   PUNCTUAL_API_KEY=<control key> npx tsx examples/action-routing.ts \
//     http://127.0.0.1:4000/web-actions http://127.0.0.1:4000/notifications
// It prints one JSON line per action sent. (PUNCTUAL_URL overrides the default http://127.0.0.1:3000.)
import { Punctual } from '@punctual/sdk';

type Action =
  | { type: 'web_action'; url: string; method: 'POST' | 'PUT' }
  | { type: 'notification'; channel: 'email' | 'sms'; to: string; text: string };

const actions: Action[] = [
  { type: 'web_action', url: 'https://example.com/cache/refresh', method: 'POST' },
  { type: 'notification', channel: 'email', to: 'ops@example.com', text: 'Nightly export finished' },
  { type: 'web_action', url: 'https://example.com/reports/build', method: 'PUT' },
  { type: 'notification', channel: 'sms', to: '+15550100', text: 'Deploy window opens in 10 minutes' },
];

const main = async (): Promise<void> => {
  const apiKey = process.env.PUNCTUAL_API_KEY;
  if (!apiKey) throw new Error('set PUNCTUAL_API_KEY to a control key');
  const p = new Punctual({ baseUrl: process.env.PUNCTUAL_URL ?? 'http://127.0.0.1:3000', apiKey });
  const [webUrl = 'http://127.0.0.1:4000/web-actions', notifyUrl = 'http://127.0.0.1:4000/notifications'] = process.argv.slice(2);

  // Web actions may retry longer than notifications, which are stale after a few minutes.
  const apps = {
    web_action: await p.apps.create({
      name: 'web actions',
      target: { type: 'http', url: webUrl },
      retryPolicy: { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    }),
    notification: await p.apps.create({
      name: 'notifications',
      target: { type: 'http', url: notifyUrl },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 },
    }),
  };

  const { items } = await p.messages.batch(actions.map((action) => ({ appId: apps[action.type].id, payload: action, delaySeconds: 1 })));
  for (const item of items) {
    const action = actions[item.index];
    if (!item.message) throw new Error(`action ${item.index} (${action.type}) refused: ${item.error?.message}`);
    console.log(JSON.stringify({ type: action.type, appId: item.message.appId, messageId: item.message.id }));
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
