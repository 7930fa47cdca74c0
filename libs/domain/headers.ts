/**
 * The one rule set for the extra headers a tenant puts on its deliveries (an app's `target.headers`, a
 * message's or schedule's `headers`): checked when they are created and again when a delivery is sent,
 * so a header the API accepted is a header the delivery sends, exactly.
 */

/** Most extra headers on one target or message. */
export const maxCustomHeaders = 50;
/** Longest header name. */
export const maxHeaderNameLength = 256;
/** Longest header value, in characters (all ASCII). */
export const maxHeaderValueLength = 8_192;

/** An RFC 9110 token: the characters a header name may hold. */
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Visible ASCII, space and tab. RFC 9110 also allows bytes 0x80–0xFF ("obs-text"), but a JavaScript string
 * holds characters, not bytes: `€` has no one-byte form, undici refuses it, and what a receiver makes of
 * Latin-1 bytes varies. Control characters (CR, LF, NUL, DEL and the rest) would split or corrupt the request.
 */
const fieldValue = /^[\t\x20-\x7e]*$/;

/**
 * Names a tenant may not set (compared in lower case): punctual's own (`webhook-*`, `punctual-*`), the
 * body's framing (`content-type`, `content-length`), the host, and the hop-by-hop headers (RFC 9110
 * §7.6.1), which describe one connection rather than the request and which the client refuses or drops.
 */
const reserved = new RegExp(
  '^(?:webhook-.*|punctual-.*|content-type|content-length|host|' +
    'connection|keep-alive|proxy-connection|transfer-encoding|upgrade|expect|te|trailer)$',
);

/** Why the header `name: value` cannot be sent, or undefined when it can. Never quotes the value (values are tenant secrets). */
export const headerIssue = (name: string, value: unknown): string | undefined => {
  if (name.length === 0 || name.length > maxHeaderNameLength || !token.test(name))
    return `not a valid header name (letters, digits and !#$%&'*+.^_\`|~-, at most ${maxHeaderNameLength})`;
  if (reserved.test(name.toLowerCase())) return 'this header is set by punctual or by the connection and cannot be set here';
  if (typeof value !== 'string') return 'header values must be strings';
  if (value.length > maxHeaderValueLength) return `header values must be at most ${maxHeaderValueLength} characters`;
  if (!fieldValue.test(value)) return 'header values may hold only visible ASCII characters, spaces and tabs';
  return undefined;
};
