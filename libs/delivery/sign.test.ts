import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook } from './webhook';

describe('signWebhook', () => {
  it('is byte-identical to standardwebhooks Webhook#sign', () => {
    const bodies = ['{}', '{"a":"é ü 日本 🎉"}', 'plain text', '', 'lone \ud800 surrogate', 'x'.repeat(70_000)];
    for (let i = 0; i < 50; i++) {
      const secret = `whsec_${randomBytes(24 + (i % 9)).toString('base64')}`;
      const wh = new Webhook(secret);
      const key = Buffer.from(wh['key']);
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
    const signature = signWebhook(Buffer.from(wh['key']), 'msg_1', ts, Buffer.from(body));
    expect(wh.verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signature })).toEqual({
      hello: 'world',
    });
  });
});
