import { Webhook } from 'standardwebhooks';
import { type RunningExample, startExample } from '../test/support/examples';
import { type LocalPunctual, newTenant, startPunctual, waitForStatus } from '../test/support/punctual';

describe('examples/express-receiver.ts', () => {
  let server: LocalPunctual;
  let example: RunningExample | undefined;
  beforeAll(async () => {
    server = await startPunctual();
  });
  afterAll(async () => {
    await example?.stop();
    await server.close();
  });

  it('prints each verified delivery once, and answers a forged one 401', async () => {
    // The app exists first (the receiver needs its secret); its target is set before its first delivery.
    const { control, app } = await newTenant(server, { url: 'http://127.0.0.1:9/not-yet' });
    example = startExample('express-receiver.ts', { PUNCTUAL_SIGNING_SECRET: app!.signingSecret, PORT: '0' });
    const url = (await example.waitForLine(/^listening on /)).replace('listening on ', '');
    await control.apps.update(app!.id, { target: { type: 'http', url } });

    const json = await control.messages.create({ appId: app!.id, payload: { order: 42 } });
    const text = await control.messages.create({ appId: app!.id, payload: 'hello' });
    await waitForStatus(control, json.id, 'delivered');
    await waitForStatus(control, text.id, 'delivered');
    const printed = example.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(printed).toEqual(
      expect.arrayContaining([
        { id: json.id, attempt: 1, payload: { order: 42 } },
        { id: text.id, attempt: 1, payload: 'hello' },
      ]),
    );
    expect(printed).toHaveLength(2);

    const at = new Date();
    const other = `whsec_${Buffer.from('not the secret of this app ......').toString('base64')}`;
    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(other).sign('msg_forged', at, '{"order":1}'),
      },
      body: '{"order":1}',
    });
    expect([forged.status, await forged.json()]).toEqual([401, { error: 'unauthorized', message: expect.any(String) }]);
    expect(example.lines.filter((l) => l.startsWith('{'))).toHaveLength(2);
  }, 60_000);
});
