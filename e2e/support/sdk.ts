import { AsyncLocalStorage } from 'node:async_hooks';
import { type ConflictState, type ExceededLimit, type FieldIssue, type JsonPosition, Punctual, PunctualError } from '@punctual/sdk';

/**
 * The e2e suite drives the service through `@punctual/sdk`, so the stage canary proves the SDK against a deployed
 * stage too. Its clients never retry (a test asserts each answer, 429s included, exactly as the server gave it), and
 * `answer` shows what one call got on the wire — status, headers, body or error body — where a test asserts that.
 */

/** What one SDK call got: the HTTP status and headers, and the result or the API's error body. */
export interface Answer<T> {
  status: number;
  headers: Headers;
  data?: T;
  /** The error body, rebuilt from the `PunctualError` (the fields the API sent). */
  error?: {
    error: string;
    message: string;
    details?: FieldIssue[];
    current?: ConflictState;
    exceeded?: ExceededLimit;
    position?: JsonPosition;
  };
}

/** The response of the call running in this async context (set by the clients' fetch). */
const lastResponse = new AsyncLocalStorage<{ response?: Response }>();

/** The global fetch, looked up per call (the e2e setup checks every error body through it), noting the response. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await globalThis.fetch(input, init);
  const slot = lastResponse.getStore();
  if (slot) slot.response = response;
  return response;
};

/** A client of the service at `baseUrl` with an API key or the operator's token (or neither), which never retries. */
export const sdkClient = (baseUrl: string, credentials: { apiKey?: string; adminToken?: string } = {}): Punctual =>
  new Punctual({ baseUrl, ...credentials, retries: 0, fetch: recordingFetch });

/**
 * Runs one SDK call and resolves with what it got, failure included: `(await answer(() => c.apps.get(id))).status`.
 * Anything but a `PunctualError` with an HTTP status (a bug in the call, a network failure) still throws.
 */
export const answer = async <T>(call: () => PromiseLike<T>): Promise<Answer<T>> => {
  const slot: { response?: Response } = {};
  return lastResponse.run(slot, async () => {
    try {
      const data = await call();
      return { status: slot.response!.status, headers: slot.response!.headers, data };
    } catch (err) {
      if (!(err instanceof PunctualError) || err.status === 0 || !slot.response) throw err;
      const { code, message, details, current, exceeded, position } = err;
      const error = {
        error: code,
        message,
        ...(details ? { details } : {}),
        ...(current ? { current } : {}),
        ...(exceeded ? { exceeded } : {}),
        ...(position ? { position } : {}),
      };
      return { status: err.status, headers: slot.response.headers, error };
    }
  });
};
