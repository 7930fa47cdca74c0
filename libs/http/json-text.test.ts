import fc from 'fast-check';
import { elementMemberTexts, jsonSyntaxProblem, memberText } from './json-text';

/** JSON text of `v` with white space of its own between tokens (what clients send varies). */
const spaced = (v: unknown, indent: number) => JSON.stringify(v, null, indent);

describe('jsonSyntaxProblem', () => {
  it('finds nothing wrong with well-formed JSON, however it is spaced', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (v, indent) => {
        expect(jsonSyntaxProblem(` \n${spaced(v, indent)}\t\r\n`)).toBeUndefined();
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });

  it('finds a problem exactly when JSON.parse refuses the text', () => {
    const chunk = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'u',
      '0',
      '1',
      '.',
      'e',
      '-',
      '+',
      ' ',
      '\n',
      'true',
      'nul',
      'x',
    );
    const text = fc.oneof(
      fc.array(chunk, { maxLength: 12 }).map((c) => c.join('')),
      fc.tuple(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 2 })).map(([v, at, insert]) => {
        const t = JSON.stringify(v);
        const i = at % (t.length + 1);
        return t.slice(0, i) + insert + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(text, (t) => {
        let parses = true;
        try {
          JSON.parse(t);
        } catch {
          parses = false;
        }
        expect(jsonSyntaxProblem(t) === undefined).toBe(parses);
      }),
      { numRuns: 3000, seed: 20261207 },
    );
  });

  it.each([
    ['{"appId": ', { offset: 10, line: 1, column: 11 }, /expected a JSON value .*found the end of the body/],
    ['{\n  "a": 1\n  "b": 2\n}', { offset: 13, line: 3, column: 3 }, /expected ',' or '}', found '"'/],
    ["{'a': 1}", { offset: 1, line: 1, column: 2 }, /expected a property name in double quotes, found '''/],
    ['{"a": "x\ny"}', { offset: 8, line: 1, column: 9 }, /no control character.*found '\\n'/],
    ['[1, 2,]', { offset: 6, line: 1, column: 7 }, /expected a JSON value/],
    ['{"a": 01}', { offset: 7, line: 1, column: 8 }, /expected ',' or '}', found '1'/],
    ['{} {}', { offset: 3, line: 1, column: 4 }, /expected the end of the body/],
  ])('says where %j goes wrong', (text, position, issue) => {
    expect(jsonSyntaxProblem(text)).toEqual({ ...position, issue: expect.stringMatching(issue) });
  });
});

describe('memberText', () => {
  it('gives the exact text of a member, as the client wrote it', () => {
    const payload = '{"__proto__": {"x": 1}, "constructor": 1, "b": [1.0, 1e3, -0, 12345678901234567890], "2": "\\u00e9", "1": {}}';
    expect(memberText(`{"appId":"app_1", "payload": ${payload} , "delaySeconds": 5}`, 'payload')).toBe(payload);
    expect(memberText('{"payload":"hi"}', 'payload')).toBe('"hi"');
    expect(memberText('{"payload":null}', 'payload')).toBe('null');
  });

  it('takes the last of duplicate names and decodes escaped names, as JSON.parse does', () => {
    expect(memberText('{"payload": 1, "payload": {"k": 2}}', 'payload')).toBe('{"k": 2}');
    expect(memberText('{"pay\\u006coad": [true]}', 'payload')).toBe('[true]');
    expect(memberText('{"x": {"payload": 1}}', 'payload')).toBeUndefined();
    expect(memberText('[{"payload": 1}]', 'payload')).toBeUndefined();
  });

  it('parses back to the value JSON.parse sees at that name', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue()), fc.integer({ min: 0, max: 3 }), (o, indent) => {
        const text = spaced(o, indent);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        for (const name of Object.keys(parsed)) expect(JSON.parse(memberText(text, name)!)).toEqual(parsed[name]);
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });
});

describe('elementMemberTexts', () => {
  it('gives each element its member text, undefined where there is none', () => {
    const text = '{"items": [ {"payload": {"a": 1.0}}, 5, {"x": 1}, {"payload":"s", "payload": [] } ], "payload": 0}';
    expect(elementMemberTexts(text, 'items', 'payload')).toEqual(['{"a": 1.0}', undefined, undefined, '[]']);
    expect(elementMemberTexts('{"items": []}', 'items', 'payload')).toEqual([]);
    expect(elementMemberTexts('{"items": {}}', 'items', 'payload')).toEqual([]);
  });
});
