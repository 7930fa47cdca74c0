/**
 * A small scanner over JSON text, for what `JSON.parse` cannot tell: where a malformed body goes wrong (Node 20's
 * messages often give no position), and the exact text of one value of a well-formed body (a payload is kept as the
 * client wrote it: key order, duplicate keys, `__proto__`, number spellings such as `1.0` or `1e3`). Recursion follows
 * the nesting, which the body gate has already bounded (`nestsDeeperThan`).
 */

/** Where and why a JSON text is malformed. */
export interface JsonSyntaxProblem {
  /** Offset of the offending character (UTF-16 code units, as JavaScript strings count). */
  offset: number;
  /** 1-based line of `offset`. */
  line: number;
  /** 1-based column of `offset` on its line. */
  column: number;
  /** What was expected there and what was found, for humans. */
  issue: string;
}

class Malformed extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

const space = (t: string, i: number): number => {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
};

const hex4 = /^[0-9a-fA-F]{4}$/;
const escapes = '"\\/bfnrt';

/** The index after the string starting at `i` (a `"`). */
const string = (t: string, i: number): number => {
  for (i++; ; ) {
    if (i >= t.length) throw new Malformed(i, 'a closing "');
    const c = t.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = t[i + 1];
      if (e === 'u') {
        if (!hex4.test(t.slice(i + 2, i + 6))) throw new Malformed(i, 'four hex digits after \\u');
        i += 6;
      } else if (e !== undefined && escapes.includes(e)) i += 2;
      else throw new Malformed(i, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
    } else if (c < 0x20) throw new Malformed(i, 'no control character inside a string (escape it)');
    else i++;
  }
};

const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const literals = ['true', 'false', 'null'] as const;

/** The index after the value starting at or after `i` (leading white space skipped). */
const value = (t: string, i: number): number => {
  i = space(t, i);
  const c = t[i];
  if (c === '"') return string(t, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    i = space(t, i + 1);
    if (t[i] === close) return i + 1;
    for (;;) {
      if (c === '{') {
        if (t[i] !== '"') throw new Malformed(i, 'a property name in double quotes');
        i = space(t, string(t, i));
        if (t[i] !== ':') throw new Malformed(i, "':' after the property name");
        i++;
      }
      i = space(t, value(t, i));
      if (t[i] === ',') i = space(t, i + 1);
      else if (t[i] === close) return i + 1;
      else throw new Malformed(i, `',' or '${close}'`);
    }
  }
  for (const word of literals) if (t.startsWith(word, i)) return i + word.length;
  number.lastIndex = i;
  if (number.test(t)) return number.lastIndex;
  throw new Malformed(i, 'a JSON value (object, array, string, number, true, false or null)');
};

/** The character at `offset`, quoted (a control character as its JSON escape). */
const found = (t: string, offset: number): string => {
  if (offset >= t.length) return 'the end of the body';
  const c = String.fromCodePoint(t.codePointAt(offset)!);
  return `'${c < ' ' ? JSON.stringify(c).slice(1, -1) : c}'`;
};

/** Where `text` stops being JSON; undefined when it is well-formed. Call it after `JSON.parse` has refused `text`. */
export const jsonSyntaxProblem = (text: string): JsonSyntaxProblem | undefined => {
  try {
    const end = space(text, value(text, 0));
    if (end < text.length) throw new Malformed(end, 'the end of the body after the JSON value');
    return undefined;
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    const before = text.slice(0, err.offset);
    const line = before.split('\n').length;
    const column = err.offset - (before.lastIndexOf('\n') + 1) + 1;
    return { offset: err.offset, line, column, issue: `expected ${err.expected}, found ${found(text, err.offset)}` };
  }
};

/** The members of the object at `i` in well-formed `t`, as [name, value start, value end]; none when it is not an object. */
function* members(t: string, i: number): Generator<[string, number, number]> {
  i = space(t, i);
  if (t[i] !== '{') return;
  i = space(t, i + 1);
  while (t[i] === '"') {
    const nameEnd = string(t, i);
    const raw = t.slice(i + 1, nameEnd - 1);
    const name = raw.includes('\\') ? (JSON.parse(t.slice(i, nameEnd)) as string) : raw;
    const start = space(t, space(t, nameEnd) + 1);
    const end = value(t, start);
    yield [name, start, end];
    i = space(t, end);
    if (t[i] === ',') i = space(t, i + 1);
  }
}

/** The span of member `name` of the object at `i`: the last one, as `JSON.parse` keeps the last of duplicate names. */
const memberSpan = (t: string, i: number, name: string): [number, number] | undefined => {
  let span: [number, number] | undefined;
  for (const [n, start, end] of members(t, i)) if (n === name) span = [start, end];
  return span;
};

/**
 * The exact text of member `name` of the top-level object of `text` (well-formed JSON, e.g. a body `JSON.parse`
 * accepted); undefined when the body is not an object or has no such member.
 */
export const memberText = (text: string, name: string): string | undefined => {
  const span = memberSpan(text, 0, name);
  return span && text.slice(span[0], span[1]);
};

/**
 * For each element of the array that is member `list` of the top-level object of `text` (well-formed JSON), the
 * exact text of its member `name` (undefined for an element that is not an object or has none): the payloads of a
 * batch in one pass.
 */
export const elementMemberTexts = (text: string, list: string, name: string): (string | undefined)[] => {
  const span = memberSpan(text, 0, list);
  const out: (string | undefined)[] = [];
  if (!span || text[span[0]] !== '[') return out;
  let i = space(text, span[0] + 1);
  while (i < span[1] - 1) {
    const end = value(text, i);
    const inner = memberSpan(text, i, name);
    out.push(inner && text.slice(inner[0], inner[1]));
    i = space(text, end);
    if (text[i] === ',') i = space(text, i + 1);
  }
  return out;
};
