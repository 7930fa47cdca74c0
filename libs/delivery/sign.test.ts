import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signingKeyOf, signWebhook } from './webhook';

describe('signWebhook', () => {
  it('is byte-identical to standardwebhooks Webhook#sign', () => {
    const bodies = ['{}', '{"a":"é ü 日本 🎉"}', 'plain text', '', 'lone \ud800 surrogate', 'x'.repeat(70_000)];
    for (let i = 0; i < 50; i++) {
      const secret = `whsec_${randomBytes(24 + (i % 9)).toString('base64')}`;
      const wh = new Webhook(secret);
      const key = signingKeyOf(secret);
      for (const text of bodies) {
        const body = Buffer.from(text, 'utf8');
        const ts = 1_700_000_000 + i;
        const id = `msg_${randomBytes(8).toString('hex')}`;
        expect(signWebhook(key, id, ts, body)).toBe(wh.sign(id, new Date(ts * 1000), body));
      }
    }
  });

  it('verifies with standardwebhooks', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const wh = new Webhook(secret);
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"hello":"world"}';
    const signature = signWebhook(signingKeyOf(secret), 'msg_1', ts, Buffer.from(body));
    expect(wh.verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signature })).toEqual({
      hello: 'world',
    });
  });
});

describe('signingKeyOf', () => {
  const id = 'msg_1';
  const at = new Date(1_700_000_000_000);
  const body = Buffer.from('{"a":1}');

  it.each([
    ['without the whsec_ prefix', randomBytes(32).toString('base64')],
    ['unpadded', `whsec_${randomBytes(31).toString('base64').replace(/=+$/, '')}`],
    ['with a trailing newline', `whsec_${randomBytes(24).toString('base64')}\n`],
    ['with non-zero bits after the last byte', 'whsec_QR=='],
  ])('gives the key the library signs with, for a secret %s', (_, secret) => {
    expect(signWebhook(signingKeyOf(secret), id, 1_700_000_000, body)).toBe(new Webhook(secret).sign(id, at, body));
  });

  it.each([
    ['empty', 'whsec_'],
    ['not base64', 'whsec_a-b_'],
    ['badly padded', 'whsec_QQ'],
  ])('refuses a secret the library refuses: %s', (_, secret) => {
    expect(() => new Webhook(secret)).toThrow();
    expect(() => signingKeyOf(secret)).toThrow();
  });
});
