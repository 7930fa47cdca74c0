/**
 * The rule for the response headers a message's result keeps: a header is dropped when its name holds any of these
 * words (cookies, credentials, sessions, signatures and tokens a receiver may return), e.g. `set-cookie`,
 * `authorization`, `www-authenticate`, `x-api-key`, `x-amz-security-token`. What a receiver may hand back to whoever
 * reads the message must not open anything.
 */
const unsafeHeaderName = /cookie|auth|token|secret|session|signature|credential|password|api-?key|csrf|xsrf/i;

/** Most headers a result keeps (the first ones as received). */
const maxResultHeaders = 50;
/** Longest header value a result keeps (longer ones are cut). */
const maxHeaderValueChars = 1_024;

/** Whether a response header may be shown in a message's result (see `unsafeHeaderName`). */
export const isSafeResultHeader = (name: string): boolean => !unsafeHeaderName.test(name);

/** The safe headers of undici's raw `[name, value, …]` list: lower-case names, repeated ones joined with `, `. */
export const safeResultHeaders = (raw: readonly (Buffer | string)[]): Record<string, string> => {
  const out: Record<string, string> = {};
  let count = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase();
    if (!isSafeResultHeader(name)) continue;
    const value = raw[i + 1].toString('latin1').slice(0, maxHeaderValueChars);
    if (Object.hasOwn(out, name)) out[name] = `${out[name]}, ${value}`;
    else if (count++ < maxResultHeaders) out[name] = value;
  }
  return out;
};
