import { type ClientRequest, request } from 'node:http';

/** Open `GET /v1/events` streams, and what they received. */
export interface OpenStreams {
  /** Streams that answered 200 and are still open. */
  open(): number;
  /** Events received over all streams. */
  events(): number;
  close(): void;
}

/**
 * Opens `n` event streams with `key`, each reading (and counting) what arrives, as a console would; resolves once
 * every stream's response headers arrived. Plain sockets, one per stream (no agent pooling: streams never end).
 */
export const openStreams = async (url: string, key: string, n: number): Promise<OpenStreams> => {
  const requests: ClientRequest[] = [];
  let open = 0;
  let events = 0;
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = request(`${url}/v1/events`, { headers: { 'x-api-key': key }, agent: false }, (res) => {
            if (res.statusCode !== 200) return reject(new Error(`GET /v1/events: ${res.statusCode}`));
            open++;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              events += chunk.split('\nevent: ').length - 1;
            });
            res.on('close', () => open--);
            resolve();
          });
          req.on('error', (err) => (open ? undefined : reject(err)));
          req.end();
          requests.push(req);
        }),
    ),
  );
  return {
    open: () => open,
    events: () => events,
    close: () => {
      for (const r of requests) r.destroy();
    },
  };
};
