import { createHash, timingSafeEqual } from 'node:crypto';
import { QuotaExceededError, RateLimitedError, UnauthorizedError } from '../domain/errors';
import { type PrometheusMetrics, RefusalReason } from '../metrics/prometheus';
import type { AuthParts } from './authenticate';
import type { Exchange } from './exchange';
import { RouteMethodNotAllowedError } from './errors';
import { send } from './respond';

/** The operator metrics the gateway serves and feeds. */
export interface MetricsEndpoint {
  metrics: PrometheusMetrics;
  /** A token that may read `/metrics` besides the admin token (`PUNCTUAL_METRICS_TOKEN`), for a scraper that must not create tenants. */
  token?: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `token` is the metrics token, compared in constant time. */
const isMetricsToken = (endpoint: MetricsEndpoint, token: string): boolean =>
  endpoint.token !== undefined && timingSafeEqual(digest(endpoint.token), digest(token));

/**
 * GET /metrics: Prometheus text, for `Authorization: Bearer <admin token or PUNCTUAL_METRICS_TOKEN>`. Wrong tokens
 * count as bad credentials of their client, as on the operator routes. False when `x` is not for /metrics.
 */
export const serveMetrics = async (p: AuthParts, endpoint: MetricsEndpoint | undefined, x: Exchange): Promise<boolean> => {
  if (!endpoint || x.pathname !== '/metrics') return false;
  x.page = '/metrics';
  if (x.method !== 'GET') throw new RouteMethodNotAllowedError(x.method, x.pathname, ['GET']);
  const token = /^Bearer\s+(.+)$/i.exec(x.req.headers.authorization ?? '')?.[1]?.trim();
  const allowed = token !== undefined && (isMetricsToken(endpoint, token) || (await p.services.operator.identify(token)) !== undefined);
  if (!allowed) {
    if (token !== undefined) {
      const wait = p.guard.retryAfterSeconds(x.client);
      if (wait > 0) throw new RateLimitedError('too many requests with invalid credentials from this address; try again later', wait);
      p.guard.fail(x.client);
    }
    throw new UnauthorizedError('/metrics needs Authorization: Bearer <admin token or PUNCTUAL_METRICS_TOKEN>');
  }
  const text = await endpoint.metrics.text();
  x.status = 200;
  send(x.res, 200, { 'x-request-id': x.requestId, 'content-type': endpoint.metrics.contentType, 'cache-control': 'no-store' }, text);
  return true;
};

/** Counts a request the pipeline refused with 429, by reason (a handler's 429 is the plan's pending-message limit). */
export const countRefusal = (endpoint: MetricsEndpoint | undefined, x: Exchange, err: unknown): void => {
  if (!endpoint) return;
  if (err instanceof RateLimitedError) endpoint.metrics.refused(x.key ? RefusalReason.throttle : RefusalReason.badCredentials);
  else if (err instanceof QuotaExceededError) endpoint.metrics.refused(RefusalReason.quota);
};
