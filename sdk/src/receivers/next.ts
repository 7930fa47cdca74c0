import { type WebhookEvent, WebhookVerifier } from '../webhooks/verify.js';
import { refusal, type WebhookOptions } from './shared.js';

/** Handles a verified delivery; returning nothing answers 204. */
export type FetchWebhookHandler<T = unknown> = (
  event: WebhookEvent<T>,
  request: Request,
) => Response | undefined | Promise<Response | undefined>;

/**
 * A Next.js route handler (App Router) — any Fetch API handler, `Request` in, `Response` out, so Bun, Deno and
 * edge workers too. A forged, altered or stale delivery is answered 401 `{error:'unauthorized', message}`.
 *
 * ```ts
 * // app/api/webhooks/route.ts
 * export const POST = webhookHandler({ secret: process.env.PUNCTUAL_SIGNING_SECRET! }, async (event) => { await handle(event.payload); });
 * ```
 */
export const webhookHandler = <T = unknown>(
  options: WebhookOptions,
  handler: FetchWebhookHandler<T>,
): ((request: Request) => Promise<Response>) => {
  const verifier = new WebhookVerifier(options.secret);
  return async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    let event: WebhookEvent<T>;
    try {
      event = verifier.verify<T>(body, request.headers);
    } catch (err) {
      return new Response(JSON.stringify(refusal(err)), { status: 401, headers: { 'content-type': 'application/json' } });
    }
    return (await handler(event, request)) ?? new Response(null, { status: 204 });
  };
};
