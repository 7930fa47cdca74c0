import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { makeAuthorizer } from './handler';

const methodArn = 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/POST/v1/tenants';
const authorizer = makeAuthorizer(async () => async (token) => (token === 'good-id-token' ? 'operator-sub' : undefined));
const event = (authorizationToken: string): APIGatewayTokenAuthorizerEvent => ({ type: 'TOKEN', authorizationToken, methodArn });

describe('Cognito authorizer of the operator routes', () => {
  it("allows a valid ID token on the stage's routes, with the sub as principal", async () => {
    await expect(authorizer(event('Bearer good-id-token'))).resolves.toEqual({
      principalId: 'operator-sub',
      // The stage's every route: API Gateway caches the policy per token, and the operator calls more than one route.
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/*' },
        ],
      },
      context: { sub: 'operator-sub' },
    });
  });

  it.each([
    ['a forged token', 'Bearer forged'],
    ['no scheme', 'good-id-token'],
    ['another scheme', 'Basic good-id-token'],
    ['an empty header', ''],
    ['two tokens', 'Bearer good-id-token extra'],
  ])('answers Unauthorized (API Gateway 401) for %s', async (_, header) => {
    await expect(authorizer(event(header))).rejects.toThrow(/^Unauthorized$/);
  });
});
