import type { APIGatewayProxyResult } from 'aws-lambda';
import { TargetUnavailableError } from '../apps/errors';
import { jsonHeaders } from './headers';
import {
  ConflictError,
  DomainError,
  type ErrorFields,
  type FieldIssue,
  ForbiddenScopeError,
  HeadersTooLargeError,
  InvalidExpressionError,
  InvalidJsonError,
  InvalidTimezoneError,
  MethodNotAllowedError,
  NotFoundError,
  NotImplementedError,
  PayloadTooLargeError,
  QuotaExceededError,
  RateLimitedError,
  RequestTimeoutError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors';
import { TenantSuspendedError } from '../tenancy/errors';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * The one table from error categories to HTTP. Subclasses first: the first match wins. The transport's refusals
 * (408, 431) keep `invalid_request`, a code of the contract's list; their status and message tell them apart.
 */
export const errorTable: ReadonlyArray<readonly [ErrorClass, number, string]> = [
  [InvalidExpressionError, 400, 'invalid_expression'],
  [InvalidTimezoneError, 400, 'invalid_timezone'],
  [TargetUnavailableError, 400, 'target_unavailable'],
  [ValidationError, 400, 'invalid_request'],
  [InvalidJsonError, 400, 'invalid_json'],
  [UnauthorizedError, 401, 'unauthorized'],
  [TenantSuspendedError, 403, 'tenant_suspended'],
  [ForbiddenScopeError, 403, 'forbidden_scope'],
  [NotFoundError, 404, 'not_found'],
  [ConflictError, 409, 'conflict'],
  [PayloadTooLargeError, 413, 'payload_too_large'],
  [UnsupportedMediaTypeError, 415, 'unsupported_media_type'],
  [MethodNotAllowedError, 405, 'method_not_allowed'],
  [RequestTimeoutError, 408, 'invalid_request'],
  [HeadersTooLargeError, 431, 'invalid_request'],
  [RateLimitedError, 429, 'rate_limited'],
  [QuotaExceededError, 429, 'quota_exceeded'],
  [NotImplementedError, 501, 'not_implemented'],
];

/** The error body of every failed request (openapi.yaml's Error). */
export interface ErrorBody extends ErrorFields {
  error: string;
  message: string;
  /** The offending fields: always `{ path, issue }` items. */
  details?: FieldIssue[];
}

/** The headers an error carries: when to retry a 429, which methods a 405's path takes. */
const headersOf = (err: DomainError): Record<string, string> | undefined => {
  if (err instanceof RateLimitedError || err instanceof QuotaExceededError) {
    return { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterSeconds))) };
  }
  if (err instanceof MethodNotAllowedError) return { allow: err.allowed.join(', ') };
  return undefined;
};

/** Status and body for a domain error; anything else is a 500 that reveals nothing. */
export const describeError = (err: unknown): { statusCode: number; body: ErrorBody; headers?: Record<string, string> } => {
  if (err instanceof DomainError) {
    for (const [cls, statusCode, code] of errorTable) {
      if (err instanceof cls) {
        const body: ErrorBody = {
          error: code,
          message: err.message,
          ...(err.details?.length ? { details: err.details } : {}),
          ...err.fields,
        };
        const headers = headersOf(err);
        return headers ? { statusCode, body, headers } : { statusCode, body };
      }
    }
  }
  return { statusCode: 500, body: { error: 'internal', message: 'internal error; it has been logged' } };
};

/** A proxy result carrying the error body, with the security headers. */
export const errorResult = (err: unknown): APIGatewayProxyResult => {
  const { statusCode, body, headers } = describeError(err);
  return { statusCode, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(body) };
};
