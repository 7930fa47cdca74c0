/**
 * Error categories shared by every area. Each area derives its own errors from these
 * (e.g. `MessageStateConflictError extends ConflictError`); `libs/http/errors.ts` maps the
 * categories to HTTP in exactly one table. Business code never mentions a status code.
 */

/** One problem with one field of a request. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `target.url` or `items.3.sendAt`. */
  path: string;
  /** What is wrong with it, for humans. */
  issue: string;
}

/** The state of the resource a 409 refused to change: the error body's `current`. */
export interface ConflictFacts {
  /** A message's status. */
  status?: string;
  /** A schedule's state. */
  state?: string;
  /** The message's app was deleted (a redrive has nowhere to deliver). */
  appDeleted?: true;
}

/**
 * Which limit refused a 429: the error body's `exceeded`. `kind` names it; the other fields are the limit's figures,
 * as the plan states them (`throttle`: rateLimit, burstLimit; `quota`: limit, period, resetsAt; `maxPendingMessages`:
 * maxPendingMessages, pending; `invalidCredentials`: none).
 */
export interface LimitFacts {
  kind: string;
  [figure: string]: string | number;
}

/** Where a malformed JSON body goes wrong: the error body's `position`. */
export interface TextPosition {
  /** Offset from the start of the body, in UTF-16 code units. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** Named facts an error adds to its body beside `error`, `message` and `details` (each one documented in openapi.yaml's Error). */
export interface ErrorFields {
  current?: ConflictFacts;
  exceeded?: LimitFacts;
  position?: TextPosition;
}

/** What an error carries beyond its message. */
export interface DomainErrorOptions {
  /** The offending fields of the request (`details` of the body: always `{ path, issue }` items). */
  details?: FieldIssue[];
  /** Named facts of the body (see `ErrorFields`). */
  fields?: ErrorFields;
  cause?: unknown;
}

export abstract class DomainError extends Error {
  /** The offending fields of the request, returned as the body's `details`. */
  readonly details?: FieldIssue[];
  /** Named facts returned beside `details`. */
  readonly fields?: ErrorFields;
  constructor(message: string, options?: DomainErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
    this.fields = options?.fields;
  }
}

/** The request is well-formed JSON but its content is invalid. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message, { details: issues.length ? issues : undefined });
  }
}

/** The request body is not parseable JSON. */
export class InvalidJsonError extends DomainError {}

/** A schedule expression is not valid (which field, why). */
export class InvalidExpressionError extends ValidationError {}

/** An IANA timezone name is unknown. */
export class InvalidTimezoneError extends ValidationError {}

/** No credentials, or credentials that are unknown or revoked. */
export class UnauthorizedError extends DomainError {}

/** Valid credentials whose scope does not allow the operation. */
export class ForbiddenScopeError extends DomainError {}

/** The resource does not exist for this tenant (another tenant's ids answer the same). */
export class NotFoundError extends DomainError {}

/** The resource is not in a state that allows the operation. */
export class ConflictError extends DomainError {}

/** The request body is over the size limit. */
export class PayloadTooLargeError extends DomainError {}

/** The request body is not JSON. */
export class UnsupportedMediaTypeError extends DomainError {}

/** The path exists, but not with this method; `allowed` lists the methods it does take (the `Allow` header). */
export class MethodNotAllowedError extends DomainError {
  constructor(
    message: string,
    readonly allowed: readonly string[],
  ) {
    super(message);
  }
}

/** The operation exists in the API but this runtime cannot serve it (a stream on AWS's REST API Gateway). */
export class NotImplementedError extends DomainError {}

/** The request (headers and body) did not arrive in time. */
export class RequestTimeoutError extends DomainError {}

/** The request headers are over the size limit. */
export class HeadersTooLargeError extends DomainError {}

/** Too many requests in a short time; retry after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    exceeded?: LimitFacts,
  ) {
    super(message, exceeded ? { fields: { exceeded } } : undefined);
  }
}

/** A quota is used up until `retryAfterSeconds` from now. */
export class QuotaExceededError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    exceeded?: LimitFacts,
  ) {
    super(message, exceeded ? { fields: { exceeded } } : undefined);
  }
}
