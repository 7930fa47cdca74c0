import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { currentContainer } from '../../libs/lambda/container';

/** Resolves a bearer token to its operator (the Cognito `sub`), or undefined. */
export type IdentifyOperator = (token: string) => Promise<string | undefined>;

/**
 * API Gateway TOKEN authorizer of the operator routes (`/v1/tenants`: sign-up and administration): a Cognito ID token
 * of the operators' pool, verified with aws-jwt-verify (libs/cognito/operator.ts), or API Gateway answers
 * 401 itself (infra/gateway-responses.ts gives it our error body) and the function is never invoked.
 * API Gateway caches an answer per token for the TTL in infra/engine.ts, so a sign-up storm costs one
 * verification per token. The handler verifies again: the embedded runtime has no authorizer, and the
 * owner must come from the token itself, not from a cache.
 */
/**
 * What an operator's token may invoke: every method of the stage (`arn:…:<api>/<stage>/*`). API Gateway caches the policy
 * per token, not per route: a policy naming only the first route called would refuse the operator's next route (403)
 * until the cache expires. Keyed routes still need their API key: this grants no tenant's data.
 */
export const operatorRoutesOf = (methodArn: string): string => `${methodArn.split('/').slice(0, 2).join('/')}/*`;

export const makeAuthorizer =
  (identify: () => Promise<IdentifyOperator>) =>
  async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = /^Bearer\s+(\S+)$/i.exec(event.authorizationToken ?? '')?.[1];
    const sub = token ? await (await identify())(token) : undefined;
    // The exact string API Gateway turns into a 401 (any other error would be a 500).
    if (!sub) throw new Error('Unauthorized');
    return {
      principalId: sub,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: operatorRoutesOf(event.methodArn) }],
      },
      context: { sub },
    };
  };

export const handler = makeAuthorizer(async () => {
  const { services } = await currentContainer();
  return (token) => services.operator.identify(token);
});
