/// <reference types="node" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type WebhookEvent, WebhookVerifier } from '../webhooks/verify.js';
import { readBody } from './node-body.js';
import { defaults, refusal, type StreamWebhookOptions } from './shared.js';

/** Handles a verified delivery; a response it does not end is answered 204. */
export type NodeWebhookHandler<T = unknown> = (event: WebhookEvent<T>, req: IncomingMessage, res: ServerResponse) => unknown;

/** Options of `webhookListener`. */
export interface NodeWebhookOptions extends StreamWebhookOptions {
  /** Told when the handler throws (the delivery is answered 500, so punctual retries it). @default console.error */
  onError?: (err: unknown) => void;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * A Node `http` request listener that verifies each delivery and hands it to `handler`: 401 with
 * `{error:'unauthorized', message}` for a forged, altered or stale one, 413 over `maxBodyBytes`, 500 if the
 * handler throws, 204 if the handler leaves the response open.
 *
 * ```ts
 * createServer(webhookListener({ secret }, async (event) => console.log(event.id, event.payload))).listen(4000);
 * ```
 */
export const webhookListener = <T = unknown>(
  options: NodeWebhookOptions,
  handler: NodeWebhookHandler<T>,
): ((req: IncomingMessage, res: ServerResponse) => void) => {
  const verifier = new WebhookVerifier(options.secret);
  const maxBodyBytes = options.maxBodyBytes ?? defaults.maxBodyBytes;
  const onError = options.onError ?? ((err: unknown) => console.error('punctual webhook handler failed', err));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) return json(res, 413, { error: 'payload_too_large', message: `the body is over ${maxBodyBytes} bytes` });
    let event: WebhookEvent<T>;
    try {
      event = verifier.verify<T>(body, req.headers);
    } catch (err) {
      return json(res, 401, refusal(err));
    }
    try {
      await handler(event, req, res);
    } catch (err) {
      onError(err);
      if (!res.headersSent) json(res, 500, { error: 'internal', message: 'the webhook handler failed' });
      else res.destroy();
      return;
    }
    if (!res.headersSent) res.writeHead(204).end();
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      onError(err);
      if (!res.headersSent) json(res, 500, { error: 'internal', message: 'the webhook receiver failed' });
    });
  };
};
