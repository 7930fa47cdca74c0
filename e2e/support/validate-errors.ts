import { expectErrorBody } from '../../test/support/error-body';

/**
 * Jest setup of the e2e project: every error body the suite receives, whether through the generated client or a raw
 * fetch, and every item error of a batch, is checked against openapi.yaml's Error schema (test/support/error-body.ts). A body
 * that breaks it fails the request that got it, naming the request and the problems.
 */

/** How many error bodies this test file has checked (a test proves the check runs). */
export const checkedErrorBodies = { count: 0 };

const original = globalThis.fetch;

const urlOf = (input: Parameters<typeof fetch>[0]): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
const methodOf = (input: Parameters<typeof fetch>[0], init?: RequestInit): string =>
  init?.method ?? (input instanceof Request ? input.method : 'GET');

globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
  const res = await original(input, init);
  if (!/json/i.test(res.headers.get('content-type') ?? '')) return res;
  const url = urlOf(input);
  const what = `${methodOf(input, init)} ${url} → ${res.status}`;
  if (res.status >= 400) {
    const body: unknown = await res
      .clone()
      .json()
      .catch(() => '(not JSON)');
    expectErrorBody(body, `the error body of ${what}`);
    checkedErrorBodies.count++;
  } else if (res.status === 200 && new URL(url).pathname.endsWith('/v1/messages/batch')) {
    const body = (await res.clone().json()) as { items?: { index: number; error?: unknown }[] };
    for (const item of body.items ?? []) {
      if (item.error === undefined) continue;
      expectErrorBody(item.error, `the error of item ${item.index} of ${what}`);
      checkedErrorBodies.count++;
    }
  }
  return res;
};
