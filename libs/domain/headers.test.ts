import { headerIssue } from './headers';
import { headersSchema } from './validate';

/** What the API says at creation: the issues of one header, or none. */
const atCreation = (name: string, value: string) => {
  const r = headersSchema.safeParse({ [name]: value });
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('headerIssue (the one header rule, at creation and at send)', () => {
  const refused: [string, string, RegExp][] = [
    ['x-ctl', 'a\u0001b', /visible ASCII/],
    ['x-del', 'a\u007fb', /visible ASCII/],
    ['x-euro', '5 €', /visible ASCII/],
    ['x-latin1', 'caf\u00e9', /visible ASCII/],
    ['x-crlf', 'a\r\nx-evil: 1', /visible ASCII/],
    ['x-nul', 'a\u0000', /visible ASCII/],
    ['x-long', 'a'.repeat(8_193), /at most 8192/],
    ['x bad', 'v', /not a valid header name/],
    ['x-é', 'v', /not a valid header name/],
    ['', 'v', /not a valid header name/],
    ['a'.repeat(257), 'v', /not a valid header name/],
  ];
  const reserved = [
    'webhook-id',
    'Webhook-Signature',
    'punctual-attempt',
    'content-type',
    'Content-Length',
    'host',
    'connection',
    'keep-alive',
    'proxy-connection',
    'transfer-encoding',
    'upgrade',
    'expect',
    'te',
    'trailer',
  ];

  it.each(refused)('refuses %j: %j', (name, value, why) => {
    expect(headerIssue(name, value)).toMatch(why);
    expect(atCreation(name, value)).toEqual([headerIssue(name, value)]);
  });

  it.each(reserved)('refuses %s, which punctual or the connection sets', (name) => {
    expect(headerIssue(name, 'x')).toMatch(/cannot be set here/);
    expect(atCreation(name, 'x')).toEqual([headerIssue(name, 'x')]);
  });

  it.each([
    ['x-token', 'Bearer abc.def'],
    ['X-Mixed-Case', 'tab\tand space ~!#'],
    ["x-!#$%&'*+.^_`|~", ''],
    ['x-max', 'a'.repeat(8_192)],
    ['teapot', 'te is reserved, teapot is not'],
  ])('accepts %j: %j, at creation as at send', (name, value) => {
    expect(headerIssue(name, value)).toBeUndefined();
    expect(atCreation(name, value)).toEqual([]);
  });

  it('never quotes the value in its issue', () => {
    expect(headerIssue('x-secret', 's3cr3t\u0001')).not.toContain('s3cr3t');
  });

  it('refuses, at creation, one name given twice in different cases', () => {
    expect(headersSchema.safeParse({ 'X-A': '1', 'x-a': '2' }).success).toBe(false);
  });
});
