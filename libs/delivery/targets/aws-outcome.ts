import type { DeliveryOutcome } from '../../messages/outcome';

/** An AWS SDK error's parts that tell what happened (every v3 service exception has them). */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

// Not now rather than never: the service is busy or the account is over a rate.
const throttling: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'KMSThrottlingException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

// No response at all: the network, a timeout, DNS.
const networkCodes = /^(E[A-Z]+|TimeoutError|RequestTimeout|NetworkingError)$/;

// The SDK found no credentials or region: settings of the operator, identical on every attempt.
const setupErrors: ReadonlySet<string> = new Set(['CredentialsProviderError', 'ProviderError']);

/**
 * The outcome of a send to an AWS target that failed: throttling, 5xx and network errors retry; anything
 * the service refused (validation, not found, access denied) is permanent, as is a missing credential.
 * The error names the service's error, never the request.
 */
export const awsFailure = (err: unknown, durationMs: number): DeliveryOutcome => {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const statusCode = status === undefined ? {} : { statusCode: status };
  const text = `${name}: ${(e.message ?? '').slice(0, 250)}`;
  if (setupErrors.has(name))
    return { kind: 'permanent', error: `${name}: ${e.message ?? ''} (an AWS setting of this runtime)`, durationMs };
  if (throttling.has(name) || (status !== undefined && status >= 500) || e.$fault === 'server' || status === 429)
    return { kind: 'retry', error: text, durationMs, ...statusCode };
  if (status === undefined && (networkCodes.test(name) || (e.code !== undefined && networkCodes.test(e.code)) || !e.$fault))
    return { kind: 'retry', error: text, durationMs };
  return { kind: 'permanent', error: text, durationMs, ...statusCode };
};

/** The outcome of an accepted send: the provider's status and its answer (message id…) as the response body. */
export const awsSuccess = (
  answer: { $metadata?: { httpStatusCode?: number } },
  fields: Record<string, unknown>,
  durationMs: number,
): DeliveryOutcome => ({
  kind: 'success',
  statusCode: answer.$metadata?.httpStatusCode ?? 200,
  durationMs,
  responseBody: JSON.stringify(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))),
});
