import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type WebhookEvent, WebhookVerifier } from '../webhooks/verify.js';
import { refusal, type WebhookOptions } from './shared.js';

/** Options of `webhookPlugin`. */
export interface FastifyWebhookOptions extends WebhookOptions {
  /** The route's path, e.g. `/webhooks/punctual` (under the plugin's prefix, if registered with one). */
  path: string;
  /** Handles a verified delivery; its return value is the reply, like a route handler's; `undefined` answers 204. */
  handler: (event: WebhookEvent, request: FastifyRequest, reply: FastifyReply) => unknown;
}

/**
 * A Fastify plugin that adds `POST path`, verifies each delivery and hands it to `handler`; a forged, altered or
 * stale one is answered 401 `{error:'unauthorized', message}`. The raw body is kept by a content-type parser that
 * lives inside the plugin's own encapsulated context, so the rest of the app keeps its JSON parsing.
 *
 * ```ts
 * await app.register(webhookPlugin, { secret, path: '/webhooks', handler: async (event) => { await handle(event.payload); } });
 * ```
 */
export const webhookPlugin: FastifyPluginAsync<FastifyWebhookOptions> = async (app, options) => {
  const verifier = new WebhookVerifier(options.secret);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post(options.path, async (request, reply) => {
    let event: WebhookEvent;
    try {
      event = verifier.verify((request.body as Uint8Array | undefined) ?? '', request.headers);
    } catch (err) {
      return reply.code(401).send(refusal(err));
    }
    const result = await options.handler(event, request, reply);
    if (reply.sent) return reply;
    if (result === undefined) return reply.code(204).send();
    return result;
  });
};
