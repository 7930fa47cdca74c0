import { randomBytes } from 'node:crypto';

/**
 * Placeholders `stringifyJson` swaps for raw texts. JSON.stringify writes the leading NUL as the six characters
 * `\u0000`, and the random part is new in every process and never written out, so no string of a response can pass
 * for one.
 */
const nonce = randomBytes(12).toString('hex');
const marker = `\u0000raw-${nonce}-`;
const markerPattern = new RegExp(`"\\\\u0000raw-${nonce}-(\\d+)"`, 'g');

/** The raw texts met by the `stringifyJson` call under way (it is synchronous, so one at a time). */
let collecting: string[] | undefined;

/**
 * JSON text written into an answer exactly as it is (a payload as its client sent it: key order, `__proto__`, number
 * spellings), by `stringifyJson`. Anywhere else (`JSON.stringify` of a log line, of a CLI table) it stands for its
 * parsed value.
 */
export class RawJson {
  constructor(
    /** Well-formed JSON text. */
    readonly text: string,
  ) {}

  toJSON(): unknown {
    if (!collecting) return JSON.parse(this.text);
    collecting.push(this.text);
    return `${marker}${collecting.length - 1}`;
  }
}

/** `JSON.stringify(value)`, with each `RawJson` inside written as its own text. */
export const stringifyJson = (value: unknown): string => {
  const texts: string[] = [];
  collecting = texts;
  let out: string;
  try {
    out = JSON.stringify(value);
  } finally {
    collecting = undefined;
  }
  return texts.length ? out.replace(markerPattern, (_, i: string) => texts[Number(i)]) : out;
};
