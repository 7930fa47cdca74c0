import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, ValidationError } from '../domain/errors';
import type { Exchange } from './exchange';

/** A request target that is a plain path (letters, digits, `_`, `-` between slashes): `new URL` would return it unchanged. */
const plainPath = /^(?:\/[A-Za-z0-9_-]+)+$/;

/** Reads the request target into `x.pathname` (and `x.url` when there is more to it than a plain path). */
export const parseTarget = (x: Exchange): void => {
  const target = x.req.url ?? '/';
  if (plainPath.test(target)) {
    x.pathname = target; // the common case: no query, nothing to normalise or decode
    return;
  }
  let url: URL;
  try {
    // An absolute-form target (`GET http://host/path`) is parsed too; a malformed one must not escape as a rejection.
    url = new URL(target, 'http://localhost');
  } catch {
    throw new ValidationError('the request target is not a valid URL', [{ path: '(url)', issue: 'not a valid URL' }]);
  }
  x.url = url;
  x.pathname = url.pathname;
};

/** The client went away (or timed out) before its request arrived: there is no one to answer. */
export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

/** Reads the body up to `limit` bytes; rejects with PayloadTooLargeError past it, ClientGoneError if the client leaves. */
export const readBody = (req: IncomingMessage, limit: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new PayloadTooLargeError(`request body is over ${limit / 1024} KiB`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeError(`request body is over ${limit / 1024} KiB`));
      } else chunks.push(c);
    });
    // A small body arrives in one chunk: decode it in place rather than copy it first.
    req.on('end', () => resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8')));
    req.on('error', () => reject(new ClientGoneError('the client closed the connection before its request body arrived')));
    req.on('close', () => {
      if (!req.complete) reject(new ClientGoneError('the client closed the connection before its request body arrived'));
    });
  });
