import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError, WebhookVerifier } from '@punctual/sdk';
import { type Received, type Receiver, startReceiver } from '../../../test/support/receiver';
import { type LocalPunctual, newTenant, startPunctual } from '../../../test/support/punctual';

/** verifyWebhook on real deliveries: signed by a running embedded server, captured by a real receiver. */
describe('verifyWebhook (real deliveries)', () => {
  let server: LocalPunctual;
  let receiver: Receiver;
  let t: Awaited<ReturnType<typeof newTenant>>;
  const headersOf = (r: Received) => Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
  /** A new app delivering to `path` on the receiver. */
  const newApp = (path: string) => t.control.apps.create({ name: path, target: { type: 'http', url: `${receiver.url}${path}` } });
  /** Sends `payload` now to `app` and resolves with the delivery the receiver got on `path`. */
  const deliver = async (path: string, payload: unknown, app?: { id: string }): Promise<{ got: Received; secret: string }> => {
    const created = app ? undefined : await newApp(path);
    await t.control.messages.create({ appId: (app ?? created)!.id, payload });
    const [got] = await receiver.waitFor(path, 1);
    return { got, secret: created?.signingSecret ?? '' };
  };

  beforeAll(async () => {
    server = await startPunctual();
    receiver = await startReceiver();
    t = await newTenant(server);
  });
  afterAll(async () => {
    jest.useRealTimers();
    await server.close();
    await receiver.close();
  });

  it('returns a JSON payload parsed, as standardwebhooks does', async () => {
    const { got, secret } = await deliver('/json', { order: 42, items: ['a'] });
    expect(verifyWebhook(got.body, got.headers, secret)).toEqual({ order: 42, items: ['a'] });
    expect(new Webhook(secret).verify(got.body, headersOf(got))).toEqual({ order: 42, items: ['a'] });
  });

  it('returns a string payload as the string, where standardwebhooks verify throws on the raw text', async () => {
    const { got: hello, secret } = await deliver('/text', 'hello');
    expect(hello.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(verifyWebhook(hello.body, hello.headers, secret)).toBe('hello');
    expect(() => new Webhook(secret).verify(hello.body, headersOf(hello))).toThrow(SyntaxError);
    const looksLikeJson = await deliver('/text-json', '{"looks":"like json"}');
    expect(verifyWebhook(looksLikeJson.got.body, looksLikeJson.got.headers, looksLikeJson.secret)).toBe('{"looks":"like json"}');
  });

  it('refuses an altered body, another secret, and a delivery replayed after the tolerance', async () => {
    const { got, secret } = await deliver('/refused', { amount: 10 });
    const other = `whsec_${Buffer.from('not the app secret, 32 bytes....').toString('base64')}`;
    expect(() => verifyWebhook(got.body.replace('10', '1000'), got.headers, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(got.body, got.headers, other)).toThrow(WebhookVerificationError);
    const event = new WebhookVerifier(secret).verify(got.body, got.headers);
    jest.useFakeTimers({ now: event.timestamp.getTime() + 5 * 60_000 + 1_000 });
    try {
      expect(() => verifyWebhook(got.body, got.headers, secret)).toThrow(/from this clock/);
    } finally {
      jest.useRealTimers();
    }
  });

  it('during a rotation verifies with the old secret, the new one, or both given', async () => {
    // Rotated before its first delivery: the engine reads app settings at most a second old.
    const app = await newApp('/rotated');
    const old = app.signingSecret;
    const { signingSecret: rotated } = await t.control.apps.rotateSecret(app.id);
    const { got } = await deliver('/rotated', { r: 1 }, app);
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWebhook(got.body, got.headers, old)).toEqual({ r: 1 });
    expect(verifyWebhook(got.body, got.headers, rotated)).toEqual({ r: 1 });
    expect(verifyWebhook(got.body, got.headers, [old, rotated])).toEqual({ r: 1 });
    const event = new WebhookVerifier([rotated, old]).verify(got.body, got.headers);
    expect(event).toMatchObject({ id: got.headers['webhook-id'], attempt: 1, scheduledAt: got.headers['punctual-scheduled-at'] });
  });
});
