import type { MiddlewareHandler } from 'hono';
import { type WebhookEvent, WebhookVerifier } from '../webhooks/verify.js';
import { refusal, type WebhookOptions } from './shared.js';

/** The context variable the middleware sets: `c.get('webhook')`. */
export interface WebhookVariables<T = unknown> {
  webhook: WebhookEvent<T>;
}

/**
 * Hono middleware that verifies a delivery and sets `c.get('webhook')` for the next handler; a forged, altered
 * or stale one is answered 401 `{error:'unauthorized', message}`. Hono keeps the body, so the handler may still read it.
 *
 * ```ts
 * app.post('/webhooks', webhookMiddleware({ secret }), (c) => { handle(c.get('webhook').payload); return c.body(null, 204); });
 * ```
 */
export const webhookMiddleware = <T = unknown>(options: WebhookOptions): MiddlewareHandler<{ Variables: WebhookVariables<T> }> => {
  const verifier = new WebhookVerifier(options.secret);
  return async (c, next) => {
    const body = await c.req.arrayBuffer();
    let event: WebhookEvent<T>;
    try {
      event = verifier.verify<T>(body, c.req.raw.headers);
    } catch (err) {
      return c.json(refusal(err), 401);
    }
    c.set('webhook', event);
    await next();
  };
};
