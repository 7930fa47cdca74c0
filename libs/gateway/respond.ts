import { type OutgoingHttpHeaders, type ServerResponse, STATUS_CODES } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { HeadersTooLargeError, RequestTimeoutError, ValidationError } from '../domain/errors';
import { describeError, errorResult } from '../http/errors';
import { securityHeaders } from '../http/headers';
import type { Logger } from '../observability/logger';
import type { Exchange } from './exchange';
import { ClientGoneError } from './parse';

/** Writes a whole response. */
export const send = (res: ServerResponse, status: number, headers: Record<string, string | number | boolean>, body: string | Buffer) => {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** Writes a handler's (or an error's) proxy result, with our request id and the headers plan admission added. */
export const sendResult = (res: ServerResponse, result: APIGatewayProxyResult, requestId: string, extra?: Record<string, string>) => {
  // One header object per response (the handler's, then ours), rather than a copy per step.
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}), 'x-request-id': requestId, ...(extra ?? {}) };
  const body = result.body ?? '';
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(result.statusCode, headers as OutgoingHttpHeaders);
  res.end(body);
};

/** Answers a request that failed in the pipeline with the error table's status and body; nothing when the client left. */
export const sendError = (logger: Logger, x: Exchange, err: unknown): void => {
  if (err instanceof ClientGoneError || x.res.destroyed) {
    x.status = 499; // nginx's "client closed request": nobody is left to answer
    return;
  }
  const result = errorResult(err);
  x.status = result.statusCode;
  if (x.status >= 500) logger.error('unhandled gateway error', { err, requestId: x.requestId });
  if (!x.res.headersSent) sendResult(x.res, result, x.requestId);
};

/** The error of a request Node refused before it reached the pipeline (malformed, oversized headers, too slow). */
const clientError = (code: string | undefined) =>
  code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? new RequestTimeoutError('the request did not arrive in time; send it again')
    : code === 'HPE_HEADER_OVERFLOW'
      ? new HeadersTooLargeError('the request headers are too large')
      : new ValidationError('malformed HTTP request');

/** What a malformed, oversized or too slow request gets, written on the socket (there is no response object). */
export const clientErrorResponse = (code: string | undefined): string => {
  const { statusCode, body: error } = describeError(clientError(code));
  const body = JSON.stringify(error);
  const status = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}`;
  const head = [status, 'content-type: application/json', ...Object.entries(securityHeaders).map(([name, value]) => `${name}: ${value}`)];
  return `${head.join('\r\n')}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
};
