import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  ConflictError,
  DomainError,
  ForbiddenScopeError,
  InvalidExpressionError,
  InvalidJsonError,
  InvalidTimezoneError,
  NotFoundError,
  PayloadTooLargeError,
  QuotaExceededError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/** The one table from error categories to HTTP. Subclasses first: the first match wins. */
export const errorTable: ReadonlyArray<readonly [ErrorClass, number, string]> = [
  [InvalidExpressionError, 400, 'invalid_expression'],
  [InvalidTimezoneError, 400, 'invalid_timezone'],
  [ValidationError, 400, 'invalid_request'],
  [InvalidJsonError, 400, 'invalid_json'],
  [UnauthorizedError, 401, 'unauthorized'],
  [ForbiddenScopeError, 403, 'forbidden_scope'],
  [NotFoundError, 404, 'not_found'],
  [ConflictError, 409, 'conflict'],
  [PayloadTooLargeError, 413, 'payload_too_large'],
  [UnsupportedMediaTypeError, 415, 'unsupported_media_type'],
  [RateLimitedError, 429, 'rate_limited'],
  [QuotaExceededError, 429, 'quota_exceeded'],
];

/** The error body of every failed request. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** Status and body for a domain error; anything else is a 500 that reveals nothing. */
export const describeError = (err: unknown): { statusCode: number; body: ErrorBody; headers?: Record<string, string> } => {
  if (err instanceof DomainError) {
    for (const [cls, statusCode, code] of errorTable) {
      if (err instanceof cls) {
        const body: ErrorBody = { error: code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
        const retryAfter = err instanceof RateLimitedError || err instanceof QuotaExceededError ? err.retryAfterSeconds : undefined;
        return {
          statusCode,
          body,
          ...(retryAfter !== undefined ? { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) } } : {}),
        };
      }
    }
  }
  return { statusCode: 500, body: { error: 'internal', message: 'internal error; it has been logged' } };
};

/** A proxy result carrying the error body. */
export const errorResult = (err: unknown): APIGatewayProxyResult => {
  const { statusCode, body, headers } = describeError(err);
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
};
