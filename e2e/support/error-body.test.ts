import { errorBodyProblems } from '../../test/support/error-body';
import { startTarget } from './target';
import { checkedErrorBodies } from './validate-errors';

describe("openapi.yaml's Error schema, as the e2e suite checks every error body", () => {
  it('accepts the bodies the contract describes', () => {
    expect(errorBodyProblems({ error: 'not_found', message: 'message msg_x not found' })).toEqual([]);
    expect(errorBodyProblems({ error: 'invalid_request', message: 'x', details: [{ path: 'sendAt', issue: 'bad' }] })).toEqual([]);
    expect(errorBodyProblems({ error: 'conflict', message: 'x', current: { status: 'delivered' } })).toEqual([]);
    expect(errorBodyProblems({ error: 'quota_exceeded', message: 'x', exceeded: { kind: 'quota', limit: 5, period: 'DAY' } })).toEqual([]);
    expect(errorBodyProblems({ error: 'invalid_json', message: 'x', position: { offset: 0, line: 1, column: 1 } })).toEqual([]);
  });

  it.each([
    ['details as an object', { error: 'conflict', message: 'x', details: { status: 'delivered' } }, /details: is object, not array/],
    ['an issue without its path', { error: 'invalid_request', message: 'x', details: [{ issue: 'bad' }] }, /details\[0\]: path is missing/],
    ['an unknown code', { error: 'teapot', message: 'x' }, /body.error: "teapot" is not one of/],
    ['no message', { error: 'internal' }, /message is missing/],
    ['an undocumented field', { error: 'internal', message: 'x', stack: 'at …' }, /stack is not in the spec/],
    ['an unknown limit', { error: 'rate_limited', message: 'x', exceeded: { kind: 'moon' } }, /exceeded.kind: "moon" is not one of/],
    ['empty details', { error: 'invalid_request', message: 'x', details: [] }, /fewer than 1 items/],
  ])('refuses %s', (_, body, problem) => {
    expect(errorBodyProblems(body).join('\n')).toMatch(problem);
  });

  it('checks every error body the suite receives', async () => {
    const before = checkedErrorBodies.count;
    const target = await startTarget();
    try {
      const res = await fetch(`${target.baseUrl}/v1/messages?foo=1`, { headers: { 'x-api-key': 'pk_nope' } });
      expect(res.status).toBe(401);
      expect(checkedErrorBodies.count).toBe(before + 1);
    } finally {
      await target.close();
    }
  });
});
