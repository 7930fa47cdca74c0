import type { components } from './schema.js';

/** The API's stable error codes (openapi.yaml), plus the ones this client sets when no answer came. */
export type PunctualErrorCode =
  | components['schemas']['ErrorCode']
  | 'network_error'
  | 'timeout'
  | 'unexpected_response'
  // A newer server may add codes; keep them assignable without losing the completions above.
  | (string & {});

/** One problem with one field of a request, as the API reports it in `details`. */
export type FieldIssue = components['schemas']['FieldIssue'];
/** `conflict` (409): the state of the resource that refused the operation. */
export type ConflictState = components['schemas']['ConflictState'];
/** `rate_limited` and `quota_exceeded` (429): which limit refused the request, with its figures. */
export type ExceededLimit = components['schemas']['ExceededLimit'];
/** `invalid_json`: where the body stopped being JSON. */
export type JsonPosition = components['schemas']['JsonPosition'];
/** The API's error body, as sent (the transport reads it into a `PunctualError`). */
export type ErrorBody = Omit<components['schemas']['Error'], 'error'> & { error: string };

/** What a `PunctualError` is made of. */
export interface PunctualErrorInit {
  /** HTTP status of the answer; 0 when none came (network error, timeout). */
  status: number;
  code: PunctualErrorCode;
  message: string;
  details?: FieldIssue[];
  current?: ConflictState;
  exceeded?: ExceededLimit;
  position?: JsonPosition;
  retryAfter?: number;
  requestId?: string;
  cause?: unknown;
}

/**
 * Every failure of a call: the API's error body (`{error, message, details}`) with the HTTP status, or, with
 * status 0, a request that got no answer (`network_error`, `timeout`). An abort through the caller's own
 * `signal` is not wrapped: it rejects with the signal's reason, as `fetch` does.
 */
export class PunctualError extends Error {
  override name = 'PunctualError';
  /** HTTP status; 0 when the request got no answer. */
  readonly status: number;
  /** Stable, machine-readable code (`not_found`, `rate_limited`, …; `network_error`/`timeout` when no answer came). */
  readonly code: PunctualErrorCode;
  /** The offending fields of a 400, as `{ path, issue }`. */
  readonly details?: FieldIssue[];
  /** On a 409 `conflict`: the state that refused the operation (a message's `status`, a schedule's `state`). */
  readonly current?: ConflictState;
  /** On a 429: which limit refused the request (`kind`) and its figures (`limit`, `resetsAt`, …). */
  readonly exceeded?: ExceededLimit;
  /** On `invalid_json`: where the body stopped being JSON (`offset`, `line`, `column`). */
  readonly position?: JsonPosition;
  /** Seconds the server asked to wait (`Retry-After`), on 429 and some 503s. */
  readonly retryAfter?: number;
  /** The request id the server answered with (`x-request-id`, or API Gateway's), for support requests. */
  readonly requestId?: string;

  constructor(init: PunctualErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    if (init.details !== undefined) this.details = init.details;
    if (init.current !== undefined) this.current = init.current;
    if (init.exceeded !== undefined) this.exceeded = init.exceeded;
    if (init.position !== undefined) this.position = init.position;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}
