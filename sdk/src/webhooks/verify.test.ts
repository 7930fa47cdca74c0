import { Webhook } from 'standardwebhooks';
import { toleranceSeconds, verifyWebhook, WebhookVerificationError, WebhookVerifier } from './verify';

/** Deliveries signed here the way punctual signs them (the int test uses real ones from a running server). */
const secret = `whsec_${Buffer.from('a test secret of 32 bytes length').toString('base64')}`;
const other = `whsec_${Buffer.from('another secret, also 32 bytes ok').toString('base64')}`;

const signed = (body: string, contentType: string, at = new Date(), secrets = [secret]) => {
  const id = 'msg_2qJ9';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' '),
    'content-type': contentType,
    'punctual-attempt': '2',
    'punctual-scheduled-at': '2026-12-01T09:00:00.000Z',
  };
};

describe('verifyWebhook', () => {
  afterEach(() => jest.useRealTimers());

  it('returns a JSON payload parsed', () => {
    const body = JSON.stringify({ order: 42 });
    expect(verifyWebhook(body, signed(body, 'application/json'), secret)).toEqual({ order: 42 });
  });

  it('returns a string payload (sent raw as text/plain) as the string, even when it looks like JSON', () => {
    expect(verifyWebhook('hello', signed('hello', 'text/plain; charset=utf-8'), secret)).toBe('hello');
    expect(verifyWebhook('42', signed('42', 'text/plain; charset=utf-8'), secret)).toBe('42');
  });

  it('without a content type, reads JSON when it parses and the string otherwise', () => {
    const { 'content-type': _, ...headers } = signed('{"a":1}', '');
    expect(verifyWebhook('{"a":1}', headers, secret)).toEqual({ a: 1 });
    const { 'content-type': __, ...text } = signed('hi there', '');
    expect(verifyWebhook('hi there', text, secret)).toBe('hi there');
  });

  it('takes the body as a string, Buffer, Uint8Array or ArrayBuffer, and headers as a record or a Headers', () => {
    const body = '{"é":"ü"}';
    const headers = signed(body, 'application/json');
    const bytes = new TextEncoder().encode(body);
    for (const raw of [body, Buffer.from(body), bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)])
      expect(verifyWebhook(raw, headers, secret)).toEqual({ é: 'ü' });
    expect(verifyWebhook(body, new Headers(headers), secret)).toEqual({ é: 'ü' });
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook(body, upper, secret)).toEqual({ é: 'ü' });
  });

  it('refuses an altered body, another secret, and missing headers', () => {
    const body = '{"amount":10}';
    const headers = signed(body, 'application/json');
    expect(() => verifyWebhook('{"amount":1000}', headers, secret)).toThrow(
      new WebhookVerificationError('no webhook-signature matches the secret'),
    );
    expect(() => verifyWebhook(body, headers, other)).toThrow(WebhookVerificationError);
    const { 'webhook-signature': _, ...unsigned } = headers;
    expect(() => verifyWebhook(body, unsigned, secret)).toThrow(/missing webhook-id, webhook-timestamp or webhook-signature/);
    expect(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': 'soon' }, secret)).toThrow(/not a unix time/);
  });

  it('refuses a genuine delivery once it is older than the tolerance (a replay), and one from the future', () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-01T09:00:00Z') });
    const body = '"ping"';
    const headers = signed(body, 'application/json');
    expect(verifyWebhook(body, headers, secret)).toBe('ping');
    jest.setSystemTime(Date.parse('2026-12-01T09:00:00Z') + toleranceSeconds * 1000);
    expect(verifyWebhook(body, headers, secret)).toBe('ping');
    jest.setSystemTime(Date.parse('2026-12-01T09:00:00Z') + (toleranceSeconds + 1) * 1000);
    expect(() => verifyWebhook(body, headers, secret)).toThrow(/more than 300 s from this clock/);
    jest.setSystemTime(Date.parse('2026-12-01T08:54:00Z'));
    expect(() => verifyWebhook(body, headers, secret)).toThrow(WebhookVerificationError);
  });

  it('during a rotation accepts either secret, whether the header carries one signature or both', () => {
    const body = '{"r":1}';
    const both = signed(body, 'application/json', new Date(), [secret, other]);
    expect(verifyWebhook(body, both, secret)).toEqual({ r: 1 });
    expect(verifyWebhook(body, both, other)).toEqual({ r: 1 });
    expect(verifyWebhook(body, signed(body, 'application/json', new Date(), [other]), [secret, other])).toEqual({ r: 1 });
    const third = `whsec_${Buffer.from('a third secret nobody signs with').toString('base64')}`;
    expect(() => verifyWebhook(body, both, [third])).toThrow('no webhook-signature matches the secret');
    expect(() => verifyWebhook(body, signed(body, 'application/json'), [third, other])).toThrow(
      'no webhook-signature matches any of the 2 secrets',
    );
  });

  it('refuses to verify against no secret, or a parsed body', () => {
    expect(() => verifyWebhook('{}', {}, [])).toThrow(TypeError);
    expect(() => verifyWebhook('{}', {}, '')).toThrow(TypeError);
    const headers = signed('{}', 'application/json');
    expect(() => verifyWebhook({} as unknown as string, headers, secret)).toThrow(/raw body/);
  });
});

describe('WebhookVerifier', () => {
  it('returns the whole event: id, timestamp, attempt, scheduled time, schedule id', () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const headers = { ...signed('"x"', 'application/json', at), 'punctual-schedule-id': 'sch_1' };
    expect(new WebhookVerifier(secret).verify('"x"', headers)).toEqual({
      payload: 'x',
      id: 'msg_2qJ9',
      timestamp: at,
      attempt: 2,
      scheduledAt: '2026-12-01T09:00:00.000Z',
      scheduleId: 'sch_1',
    });
  });
});
