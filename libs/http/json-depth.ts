/** @default deepest nesting of arrays and objects accepted in a request body */
export const maxJsonDepth = 128;

/**
 * True when the JSON text nests arrays/objects deeper than `max`. A linear scan of the raw text,
 * before parsing: validating or re-serializing a value thousands of levels deep recurses until
 * the stack overflows, and a 256 KiB body holds over 100,000 levels.
 */
export const nestsDeeperThan = (text: string, max: number = maxJsonDepth): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
};
