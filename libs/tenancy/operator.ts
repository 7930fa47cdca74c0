import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may create tenants: answers with the owner identity for a valid bearer token, else undefined. */
export interface OperatorAuth {
  identify(bearerToken: string): Promise<string | undefined>;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The embedded runtime's operator: one admin token, compared by hash in constant time. */
export const adminTokenAuth = (tokenHashHex: string): OperatorAuth => {
  const expected = Buffer.from(tokenHashHex, 'hex');
  return {
    identify: async (token) => (timingSafeEqual(sha256(token), expected) ? 'operator' : undefined),
  };
};

/** Hex SHA-256 of an admin token, the only form in which it is stored. */
export const hashAdminToken = (token: string): string => sha256(token).toString('hex');
