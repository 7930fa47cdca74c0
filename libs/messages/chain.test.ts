import { aMessage } from '../../test/support/fixtures';
import { chainedText, chainIdempotencyKey, chainLinkOf, chainOf, resultOf } from './chain';
import { maxChainDepth } from './model';
import type { AttemptResult } from './port';

const T0 = Date.UTC(2026, 5, 1);
const final = (status: 'delivered' | 'failed', attempt = 1): AttemptResult => ({
  attempt: { messageId: 'msg_src', tenantId: 'ten_a', attempt, startedAt: T0, durationMs: 5, outcome: 'success' },
  status,
  result: { status: 200, durationMs: 5, body: 'hi', bodyEncoding: 'utf8' },
});

describe('resultOf', () => {
  it('keeps UTF-8 bodies as text and other bytes as base64, with the safe headers and the cut', () => {
    const text = resultOf(
      { kind: 'success', statusCode: 200, durationMs: 3, response: { headers: { a: '1' }, body: Buffer.from('héllo') } },
      3,
    );
    expect(text).toEqual({ status: 200, durationMs: 3, headers: { a: '1' }, body: 'héllo', bodyEncoding: 'utf8' });
    const bytes = Buffer.from([0xff, 0x00, 0xfe]);
    const binary = resultOf(
      { kind: 'retry', statusCode: 503, error: 'HTTP 503', durationMs: 4, response: { body: bytes, truncated: true } },
      4,
    );
    expect(binary).toEqual({
      status: 503,
      durationMs: 4,
      body: bytes.toString('base64'),
      bodyEncoding: 'base64',
      bodyTruncated: true,
      error: 'HTTP 503',
    });
  });

  it("takes a provider's reply (no response) as the body, and an answerless failure's error", () => {
    expect(resultOf({ kind: 'success', statusCode: 200, durationMs: 9, responseBody: '{"messageId":"m-1"}' }, 9)).toEqual({
      status: 200,
      durationMs: 9,
      body: '{"messageId":"m-1"}',
      bodyEncoding: 'utf8',
    });
    expect(resultOf({ kind: 'retry', error: 'ECONNREFUSED', durationMs: 1 }, 1)).toEqual({ durationMs: 1, error: 'ECONNREFUSED' });
  });
});

describe('chainLinkOf', () => {
  it("prefers the message's link (a run's is its schedule's) over its app's", () => {
    const app = { onSuccess: { appId: 'app_app' }, onFailure: { appId: 'app_app_f' } };
    expect(chainLinkOf(aMessage({ onSuccess: { appId: 'app_msg' } }), app, true)).toEqual({ appId: 'app_msg' });
    expect(chainLinkOf(aMessage({ onSuccess: { appId: 'app_msg' } }), app, false)).toEqual({ appId: 'app_app_f' });
    expect(chainLinkOf(aMessage(), undefined, true)).toBeUndefined();
  });
});

describe('chainOf', () => {
  it('builds the chained message: payload, source, depth, key and idempotency key', () => {
    const m = aMessage({
      id: 'msg_src',
      tenantId: 'ten_a',
      appId: 'app_1',
      keyId: 'key_1',
      scheduleId: 'sch_1',
      onFailure: { appId: 'app_f' },
    });
    const { chain } = chainOf(m, undefined, final('failed', 3), T0);
    expect(chain).toMatchObject({
      tenantId: 'ten_a',
      appId: 'app_f',
      keyId: 'key_1',
      status: 'scheduled',
      sendAt: T0,
      dueAt: T0,
      chainOf: 'msg_src',
      chainDepth: 1,
      idempotencyKey: chainIdempotencyKey('msg_src', 0),
    });
    expect(JSON.parse(chain!.payload)).toEqual({
      type: 'message.failed',
      messageId: 'msg_src',
      appId: 'app_1',
      scheduleId: 'sch_1',
      attempts: 3,
      result: { status: 200, durationMs: 5, body: 'hi', bodyEncoding: 'utf8' },
    });
  });

  it(`cuts a chain past ${maxChainDepth} deep, and asks nothing of a retry or a message without a link`, () => {
    const deep = aMessage({ chainDepth: maxChainDepth, onSuccess: { appId: 'app_x' } });
    expect(chainOf(deep, undefined, final('delivered'), T0)).toEqual({ chainCut: expect.stringMatching(/at most 5 messages deep/) });
    expect(
      chainOf(aMessage({ chainDepth: maxChainDepth - 1, onSuccess: { appId: 'app_x' } }), undefined, final('delivered'), T0).chain,
    ).toMatchObject({
      chainDepth: maxChainDepth,
    });
    expect(chainOf(aMessage(), undefined, final('delivered'), T0)).toEqual({});
    const retry = { ...final('delivered'), status: 'scheduled' as const };
    expect(chainOf(aMessage({ onSuccess: { appId: 'app_x' } }), undefined, retry, T0)).toEqual({});
  });
});

describe('chainedText', () => {
  it("is the source's result body, decoded; its error when it has none; undefined for another payload", () => {
    expect(chainedText(JSON.stringify({ result: { body: 'answer', bodyEncoding: 'utf8' } }))).toBe('answer');
    expect(chainedText(JSON.stringify({ result: { body: Buffer.from('bytes').toString('base64'), bodyEncoding: 'base64' } }))).toBe(
      'bytes',
    );
    expect(chainedText(JSON.stringify({ result: { error: 'ECONNREFUSED' } }))).toBe('ECONNREFUSED');
    expect(chainedText('"plain text"')).toBeUndefined();
    expect(chainedText('not json')).toBeUndefined();
  });
});
