import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { OperatorAuth } from '../tenancy/operator';

/** What the Cognito operator auth needs from a verifier (aws-jwt-verify's, or a fake). */
export interface IdTokenVerifier {
  verify(token: string): Promise<{ sub: string }>;
}

/** Options of the Cognito operator auth. */
export interface CognitoOperatorOptions {
  userPoolId: string;
  clientId: string;
}

/** aws-jwt-verify's verifier for the pool's ID tokens (JWKS fetched once per container and cached). */
export const cognitoIdTokenVerifier = (o: CognitoOperatorOptions) =>
  CognitoJwtVerifier.create({ userPoolId: o.userPoolId, clientId: o.clientId, tokenUse: 'id' });

/**
 * The AWS runtime's operator: a valid Cognito ID token of the operators' pool (signature, issuer,
 * audience, expiry, `token_use = id`); the owner of the tenants it creates is the token's `sub`.
 */
export const cognitoOperatorAuth = (verifier: IdTokenVerifier): OperatorAuth => ({
  identify: async (token) => {
    try {
      return (await verifier.verify(token)).sub;
    } catch {
      return undefined;
    }
  },
});
