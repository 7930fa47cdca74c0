import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../http/routes';
import type { ApiKey } from '../keys/model';
import { clientOf } from './abuse';

/**
 * One request on its way through the gateway's pipeline (parse → route → authenticate → to event → invoke → send):
 * what each step learnt, for the steps after it and for the request's log line. One object per request, in place of
 * the locals a single long handler would keep.
 */
export class Exchange {
  /** When the request arrived (`performance.now()`), for its duration. */
  readonly started = performance.now();
  /** Our id of the request: `x-request-id`, the event's `requestId`, the log line's. */
  readonly requestId = randomUUID();
  readonly method: string;
  /** The unit the bad-credential guard counts the caller by (see `clientOf`). */
  readonly client: string;
  /** The request path; `(unparsed)` until the target has been parsed. */
  pathname = '(unparsed)';
  /** The parsed target, only when it was not a plain path (it carries the query). */
  url: URL | undefined = undefined;
  /** The page answered outside the route table (`/docs`, `/console`, `/metrics`), for metrics. */
  page: string | undefined = undefined;
  /** The matched route, once routed. */
  route: Route | undefined = undefined;
  /** The caller's key, once authenticated (also when plan admission then refuses it). */
  key: ApiKey | undefined = undefined;
  /** The status answered; 499 when the client left before it could be. */
  status = 500;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.method = req.method ?? 'GET';
    this.client = clientOf(req.socket.remoteAddress);
  }
}
