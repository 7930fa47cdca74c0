import { connect } from 'node:net';

/** A request written byte for byte: nothing validates or normalises it on the way out. */
export interface RawRequest {
  method: string;
  /** The request target as sent (path and query), possibly malformed on purpose. */
  target: string;
  /** Header lines, in order; names and values are written as given (they may be invalid). */
  headers: [string, string][];
  /** The body; `undefined` sends no body and no content-length. */
  body?: Buffer;
  /** Write the body in this many pieces, `pauseMs` apart (a slow upload). @default 1 */
  pieces?: number;
  pauseMs?: number;
}

/** What came back: `status` 0 when the connection closed without a response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Why no response arrived, if none did. */
  error?: string;
}

const parse = (raw: Buffer): Omit<RawResponse, 'error'> => {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = text.slice(end + 4);
  const length = Number(headers['content-length']);
  if (Number.isInteger(length)) body = Buffer.from(body, 'utf8').subarray(0, length).toString('utf8');
  return { status, headers, body };
};

/** Whether the bytes so far hold a response head announcing an event stream (which never ends: its head is the answer). */
const isEventStream = (chunks: Buffer[]): boolean => {
  const text = Buffer.concat(chunks).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  return end >= 0 && /^content-type:\s*text\/event-stream/im.test(text.slice(0, end));
};

/**
 * Sends one request on a fresh connection (`connection: close`) and reads the whole answer (an event stream: its head and
 * what came with it); never rejects.
 */
export const rawRequest = (port: number, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parse(Buffer.concat(chunks));
      resolve(parsed.status ? parsed : { ...parsed, error: error ?? 'connection closed without a response' });
    };
    const timer = setTimeout(() => {
      error = `no complete response within ${timeoutMs} ms`;
      finish();
    }, timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (isEventStream(chunks)) finish();
    });
    socket.on('error', (e) => {
      error = e.message;
      finish();
    });
    socket.on('close', finish);
    socket.on('connect', async () => {
      const head = [`${req.method} ${req.target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close'];
      for (const [name, value] of req.headers) head.push(`${name}: ${value}`);
      if (req.body !== undefined && !req.headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) {
        head.push(`content-length: ${req.body.length}`);
      }
      // latin1 keeps every byte of a deliberately bad header as written.
      socket.write(Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'));
      if (!req.body) return;
      const pieces = Math.max(1, req.pieces ?? 1);
      const size = Math.ceil(req.body.length / pieces);
      for (let i = 0; i < pieces && !settled; i++) {
        if (i > 0 && req.pauseMs) await new Promise((r) => setTimeout(r, req.pauseMs));
        if (!socket.writable) return;
        socket.write(req.body.subarray(i * size, (i + 1) * size));
      }
    });
  });
