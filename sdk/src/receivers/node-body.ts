/** The parts of a Node `IncomingMessage` the body reader uses (kept structural so no `node:` module is imported). */
export interface ReadableRequest {
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

const encoder = new TextEncoder();

/**
 * Reads a request body to its end as bytes; `undefined` when it is over `maxBytes` (the rest is drained, not
 * kept, so the connection stays usable for the 413).
 */
export const readBody = (req: ReadableRequest, maxBytes: number): Promise<Uint8Array | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (chunk) => {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size <= maxBytes) chunks.push(bytes);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > maxBytes) return resolve(undefined);
      const body = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.byteLength;
      }
      resolve(body);
    });
  });
