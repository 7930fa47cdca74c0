/**
 * A delivery's result (`GET /v1/messages/{id}`: the final attempt's status, duration, safe headers and body) as the
 * console shows it: a UTF-8 body as text (JSON indented), a base64 one described, never rendered.
 */

/** A message's `result` as the API reads it (issue 12: `bodyEncoding` is `utf8` or `base64`). */
export interface DeliveryResult {
  status?: number;
  durationMs?: number;
  headers?: Record<string, string>;
  body?: string;
  bodyEncoding?: string;
}

/** The body to show: indented JSON, the text as it came, or a line saying how many binary bytes there were. */
export const resultBody = (r: DeliveryResult): { kind: 'json' | 'text' | 'binary' | 'none'; text: string } => {
  if (r.body === undefined || r.body === '') return { kind: 'none', text: '' };
  if (r.bodyEncoding === 'base64') {
    const bytes = Math.floor((r.body.replace(/=+$/, '').length * 3) / 4);
    return { kind: 'binary', text: `${bytes} bytes of binary content (base64 in the API's answer)` };
  }
  try {
    return { kind: 'json', text: JSON.stringify(JSON.parse(r.body), null, 2) };
  } catch {
    return { kind: 'text', text: r.body };
  }
};
