import { awsFailure, awsSuccess } from './aws-outcome';

/** An SDK service exception as the v3 clients throw it. */
const serviceError = (name: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client') =>
  Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe('awsFailure', () => {
  it.each([
    ['ThrottlingException', 400],
    ['Throttling', 400],
    ['TooManyRequestsException', 429],
    ['KMSThrottlingException', 400],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
  ])('retries %s (%d)', (name, status) => {
    expect(awsFailure(serviceError(name, status), 12)).toEqual({
      kind: 'retry',
      statusCode: status,
      durationMs: 12,
      error: `${name}: ${name} happened`,
    });
  });

  it.each([
    ['AWS.SimpleQueueService.NonExistentQueue', 400],
    ['QueueDoesNotExist', 400],
    ['NotFoundException', 404],
    ['ResourceNotFoundException', 400],
    ['InvalidParameterValue', 400],
    ['ValidationException', 400],
    ['AccessDeniedException', 403],
    ['MessageRejected', 400],
  ])('fails %s (%d) permanently', (name, status) => {
    expect(awsFailure(serviceError(name, status), 3)).toMatchObject({
      kind: 'permanent',
      statusCode: status,
      error: expect.stringContaining(name),
    });
  });

  it('retries network errors and timeouts, which have no response', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(awsFailure(refused, 1)).toMatchObject({ kind: 'retry', error: expect.stringContaining('ECONNREFUSED') });
    expect(awsFailure(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 1)).toMatchObject({ kind: 'retry' });
  });

  it('fails permanently when the runtime has no credentials (a setting, the same on every try)', () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(awsFailure(noCredentials, 0)).toMatchObject({
      kind: 'permanent',
      error: expect.stringMatching(/an AWS setting of this runtime/),
    });
  });
});

describe('awsSuccess', () => {
  it("keeps the provider's status and answer (its message id) as the response body", () => {
    expect(awsSuccess({ $metadata: { httpStatusCode: 200 } }, { messageId: 'm-1', sequenceNumber: undefined }, 7)).toEqual({
      kind: 'success',
      statusCode: 200,
      durationMs: 7,
      responseBody: '{"messageId":"m-1"}',
    });
  });
});
