import { RawJson, stringifyJson } from './raw-json';

describe('stringifyJson', () => {
  it('writes each RawJson as its own text, wherever it is', () => {
    const a = new RawJson('{"__proto__": {"x": 1}, "n": 1.0}');
    const b = new RawJson('[1e3, "\\u00e9"]');
    const out = stringifyJson({ id: 'x', payload: a, items: [{ payload: b }, { payload: a }] });
    expect(out).toBe(`{"id":"x","payload":${a.text},"items":[{"payload":${b.text}},{"payload":${a.text}}]}`);
  });

  it('is JSON.stringify when there is no RawJson, and leaves strings that look like placeholders alone', () => {
    const value = { s: '\u0000raw-0-0', n: [1, null, 'a"b'] };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
  });

  it('lets a RawJson stand for its parsed value anywhere else', () => {
    expect(JSON.stringify({ payload: new RawJson('{"a": 1.0}') })).toBe('{"payload":{"a":1}}');
  });
});
