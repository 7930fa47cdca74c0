import { isSafeResultHeader, safeResultHeaders } from './result-headers';

describe('safeResultHeaders', () => {
  it('drops cookies, credentials, tokens and signatures; lower-cases names and joins repeats', () => {
    const raw = [
      'Content-Type',
      'application/json',
      'Set-Cookie',
      'a=1',
      'set-cookie',
      'b=2',
      'Authorization',
      'Bearer x',
      'WWW-Authenticate',
      'Basic',
      'X-Api-Key',
      'k',
      'X-Amz-Security-Token',
      't',
      'X-Session-Id',
      's',
      'Webhook-Signature',
      'v1,x',
      'Vary',
      'Accept',
      'vary',
      'Origin',
    ];
    expect(safeResultHeaders(raw)).toEqual({ 'content-type': 'application/json', vary: 'Accept, Origin' });
  });

  it('keeps ordinary headers', () => {
    for (const name of ['x-request-id', 'content-length', 'retry-after', 'etag']) expect(isSafeResultHeader(name)).toBe(true);
    for (const name of ['cookie', 'proxy-authorization', 'x-csrf-token', 'x-client-secret']) expect(isSafeResultHeader(name)).toBe(false);
  });
});
