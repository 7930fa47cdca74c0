import { runExample } from '../test/support/examples';
import { type LocalPunctual, newTenant, startPunctual } from '../test/support/punctual';
import { type Receiver, startReceiver } from '../test/support/receiver';

describe('examples/action-routing.ts', () => {
  let server: LocalPunctual;
  let receiver: Receiver;
  beforeAll(async () => {
    server = await startPunctual();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("routes each action to its type's app, and each target receives only its own type", async () => {
    const { controlKey } = await newTenant(server);
    const lines = await runExample('action-routing.ts', [`${receiver.url}/web-actions`, `${receiver.url}/notifications`], {
      PUNCTUAL_URL: server.baseUrl,
      PUNCTUAL_API_KEY: controlKey,
    });
    const sent = lines.map((l) => JSON.parse(l) as { type: string; appId: string; messageId: string });
    expect(sent.map((s) => s.type)).toEqual(['web_action', 'notification', 'web_action', 'notification']);
    expect(new Set(sent.map((s) => s.appId)).size).toBe(2);

    const web = await receiver.waitFor('/web-actions', 2);
    const notifications = await receiver.waitFor('/notifications', 2);
    const idsOf = (type: string) => sent.filter((s) => s.type === type).map((s) => s.messageId);
    expect(web.map((r) => r.headers['webhook-id']).sort()).toEqual(idsOf('web_action').sort());
    expect(notifications.map((r) => r.headers['webhook-id']).sort()).toEqual(idsOf('notification').sort());
    expect(web.map((r) => JSON.parse(r.body).type)).toEqual(['web_action', 'web_action']);
    expect(notifications.map((r) => JSON.parse(r.body).type)).toEqual(['notification', 'notification']);
  }, 60_000);
});
