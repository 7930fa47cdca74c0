import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type WebhookEvent, WebhookVerifier } from '../webhooks/verify.js';
import { readBody } from './node-body.js';
import { defaults, refusal, type StreamWebhookOptions } from './shared.js';

/** What the middleware leaves for the next handler, in `res.locals.webhook` (and the payload in `req.body`). */
export interface WebhookLocals<T = unknown> {
  webhook: WebhookEvent<T>;
}

type BodyState = Uint8Array | string | 'too_large' | 'consumed';

/** The raw body: kept by `express.raw()`/`express.text()`, or read here when no body parser has run. */
const rawBody = async (req: Request, maxBytes: number): Promise<BodyState> => {
  const body: unknown = req.body;
  if (typeof body === 'string' || ArrayBuffer.isView(body)) return body as Uint8Array | string;
  // A body parser consumed the stream (it sets `_body`): the exact bytes are gone.
  if ((req as { _body?: boolean })._body || req.readableEnded) return 'consumed';
  return (await readBody(req, maxBytes)) ?? 'too_large';
};

/**
 * Express middleware that verifies a delivery and passes it on: the payload in `req.body`, the whole
 * event in `res.locals.webhook`. A forged, altered or stale delivery is answered 401 `{error:'unauthorized', message}`.
 * Mount it before any JSON body parser on that route (it reads the body itself), or after `express.raw({ type: '*\/*' })`.
 *
 * ```ts
 * app.post('/webhooks', webhookMiddleware({ secret }), (req, res) => { handle(res.locals.webhook); res.sendStatus(204); });
 * ```
 */
export const webhookMiddleware = (options: StreamWebhookOptions): RequestHandler => {
  const verifier = new WebhookVerifier(options.secret);
  const maxBodyBytes = options.maxBodyBytes ?? defaults.maxBodyBytes;
  return (req: Request, res: Response, next: NextFunction): void => {
    rawBody(req, maxBodyBytes).then((body) => {
      if (body === 'too_large')
        return void res.status(413).json({ error: 'payload_too_large', message: `the body is over ${maxBodyBytes} bytes` });
      if (body === 'consumed')
        return next(
          new Error('webhookMiddleware needs the raw body: mount it before express.json(), or after express.raw({ type: "*/*" })'),
        );
      let event: WebhookEvent;
      try {
        event = verifier.verify(body, req.headers);
      } catch (err) {
        return void res.status(401).json(refusal(err));
      }
      req.body = event.payload;
      res.locals.webhook = event;
      next();
    }, next);
  };
};
