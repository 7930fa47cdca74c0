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

export abstract class DomainError extends Error {
  /** Optional structured details returned to the client. */
  readonly details?: unknown;
  constructor(message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
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

/** The request (headers and body) did not arrive in time. */
export class RequestTimeoutError extends DomainError {}

/** The request headers are over the size limit. */
export class HeadersTooLargeError extends DomainError {}

/** Too many requests in a short time; retry after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details?: unknown,
  ) {
    super(message, { details });
  }
}

/** A quota is used up until `retryAfterSeconds` from now. */
export class QuotaExceededError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details?: unknown,
  ) {
    super(message, { details });
  }
}
