/** A string as one POSIX shell word (single quotes; an embedded quote closes, escapes and reopens). */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The curl command that creates the same message again (same app, payload and retry policy, due now), with the key
 * left as `$PUNCTUAL_API_KEY`: the console never writes a key where it could be pasted somewhere else.
 */
export const curlCreate = (origin: string, m: { appId: string; payload: unknown; retryPolicy?: unknown }): string => {
  const body = JSON.stringify({ appId: m.appId, payload: m.payload, ...(m.retryPolicy ? { retryPolicy: m.retryPolicy } : {}) });
  return [
    `curl -X POST ${shellQuote(`${origin}/v1/messages`)}`,
    `-H "x-api-key: $PUNCTUAL_API_KEY"`,
    `-H 'content-type: application/json'`,
    `-d ${shellQuote(body)}`,
  ].join(' \\\n  ');
};
