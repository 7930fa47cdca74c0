import { RateLimitedError } from '../domain/errors';
import type { Route } from '../http/routes';
import type { Services } from '../http/services';
import { InvalidKeyError } from '../keys/errors';
import type { ApiKey } from '../keys/model';
import type { Logger } from '../observability/logger';
import type { AbuseGuard } from './abuse';
import type { Exchange } from './exchange';

/** Plan enforcement hook: throws RateLimitedError/QuotaExceededError, or returns headers to add. */
export type Admission = (key: ApiKey, route: Route) => Promise<Record<string, string> | undefined>;

/** What authentication uses of the gateway. */
export interface AuthParts {
  services: Services;
  /** The bad-credential guard. */
  guard: AbuseGuard;
  logger: Logger;
  /** Plan admission of an authenticated key, when the runtime enforces plans. */
  admission?: Admission;
}

/** Refuses with 429 a credential that failed, when its client has failed too often; otherwise counts the failure. */
const badCredential = (p: AuthParts, client: string): void => {
  const wait = p.guard.retryAfterSeconds(client);
  if (wait > 0)
    throw new RateLimitedError('too many requests with invalid credentials from this address; try again later', wait, {
      kind: 'invalidCredentials',
    });
  if (p.guard.fail(client)) p.logger.warn('refusing invalid credentials from a client for a while', { client });
};

/**
 * Authenticates the caller of the routed request `x`: a keyed route needs a known `x-api-key` (set on `x.key`) that its
 * plan admits; an operator route from a blocked client is refused whatever its token (the handler checks it otherwise).
 * Returns the headers admission adds to the response.
 */
export const authenticate = async (p: AuthParts, x: Exchange): Promise<Record<string, string> | undefined> => {
  const route = x.route!;
  if (route.access === 'control' || route.access === 'data') {
    const value = x.req.headers['x-api-key'];
    x.key = typeof value === 'string' && value.length > 0 && value.length <= 200 ? await p.services.keys.authenticate(value) : undefined;
    if (!x.key) {
      // A missing key is a mistake, not a guess: it gets the plain 401 that says what to send.
      if (value !== undefined) badCredential(p, x.client);
      throw new InvalidKeyError();
    }
    return p.admission?.(x.key, route);
  }
  if (route.access === 'operator') {
    // The admin token opens every tenant: a blocked address is refused before its token is even compared, so a guesser
    // learns nothing from it, the right token included (tenant keys, 256 random bits, still pass so a shared address
    // is not locked out of its own tenants).
    const wait = p.guard.retryAfterSeconds(x.client);
    if (wait > 0) throw new RateLimitedError('too many requests with invalid credentials from this address; try again later', wait);
  }
  return undefined;
};

/** Counts an admin token the operator route's handler refused (401) as a bad credential of its client. */
export const countRefusedToken = (p: AuthParts, x: Exchange): void => {
  if (x.route?.access === 'operator' && x.status === 401 && x.req.headers.authorization !== undefined) p.guard.fail(x.client);
};
