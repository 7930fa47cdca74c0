import { createSign, generateKeyPairSync } from 'node:crypto';
import { cognitoIdTokenVerifier, cognitoOperatorAuth } from './operator';

const userPoolId = 'us-east-1_TestPool';
const clientId = 'client123';
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;

const b64url = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = 'test-kid';
const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
const jwks = { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };

const sign = (claims: Record<string, unknown>, key = privateKey): string => {
  const head = b64url({ alg: 'RS256', kid, typ: 'JWT' });
  const body = b64url(claims);
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
  return `${head}.${body}.${sig}`;
};

const now = () => Math.floor(Date.now() / 1000);
const idToken = (over: Record<string, unknown> = {}) =>
  sign({ sub: 'user-sub-1', iss: issuer, aud: clientId, token_use: 'id', iat: now(), exp: now() + 600, auth_time: now(), ...over });

const auth = () => {
  const verifier = cognitoIdTokenVerifier({ userPoolId, clientId });
  verifier.cacheJwks(jwks);
  return cognitoOperatorAuth(verifier);
};

describe('cognitoOperatorAuth', () => {
  describe('identify', () => {
    it('accepts a valid ID token and answers its sub as the owner', async () => {
      await expect(auth().identify(idToken())).resolves.toBe('user-sub-1');
    });

    it.each([
      ['an access token', { token_use: 'access' }],
      ['another client', { aud: 'other-client' }],
      ['another pool', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }],
      ['an expired token', { exp: now() - 3600, iat: now() - 7200 }],
    ])('refuses %s', async (_, over) => {
      await expect(auth().identify(idToken(over))).resolves.toBeUndefined();
    });

    it('refuses a token signed with another key', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      await expect(
        auth().identify(sign({ sub: 'x', iss: issuer, aud: clientId, token_use: 'id', iat: now(), exp: now() + 600 }, other)),
      ).resolves.toBeUndefined();
    });

    it('refuses garbage', async () => {
      await expect(auth().identify('not-a-jwt')).resolves.toBeUndefined();
    });
  });
});
