import { resultBody } from './result';

describe("a delivery result's body", () => {
  it('is indented JSON, text as it came, or binary described by its size', () => {
    expect(resultBody({ status: 200, body: '{"answer":42}', bodyEncoding: 'utf8' })).toEqual({
      kind: 'json',
      text: '{\n  "answer": 42\n}',
    });
    expect(resultBody({ body: 'plain <b>text</b>', bodyEncoding: 'utf8' })).toEqual({ kind: 'text', text: 'plain <b>text</b>' });
    expect(resultBody({ body: btoa(String.fromCharCode(0, 1, 2, 3, 4)), bodyEncoding: 'base64' })).toEqual({
      kind: 'binary',
      text: "5 bytes of binary content (base64 in the API's answer)",
    });
    expect(resultBody({ status: 204 })).toEqual({ kind: 'none', text: '' });
  });
});
