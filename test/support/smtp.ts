/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that records every mail, for the email
 * target's tests. Tests only. It decodes just what nodemailer writes for plain text: encoded-word
 * subjects, quoted-printable or 7bit bodies, and the text part of a multipart/alternative.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One mail the server accepted. */
export interface ReceivedMail {
  /** The envelope: MAIL FROM and every RCPT TO (Bcc included). */
  from: string;
  rcptTo: string[];
  /** Header names in lower case, values unfolded and decoded. */
  headers: Record<string, string>;
  subject: string;
  /** The text part, decoded. */
  text: string;
  raw: string;
}

/** How the server behaves. */
export interface SmtpServerOptions {
  /** Require AUTH with these credentials. @default none (AUTH optional) */
  auth?: { user: string; pass: string };
  /** Refuse a recipient: an SMTP reply code and text (4xx: try later; 5xx: never), or undefined to accept. */
  rejectRcpt?: (address: string, n: number) => { code: number; message: string } | undefined;
  /** Wait this long before answering each mail's data (a slow server: the sender's connection is held meanwhile). @default 0 */
  replyDelayMs?: number;
}

export interface SmtpTestServer {
  port: number;
  /** `smtp://[user:pass@]127.0.0.1:port`. */
  url: string;
  mails: ReceivedMail[];
  /** Resolves when `count` mails arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

const decodeBytes = (hex: string): string =>
  Buffer.from(
    hex.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');

/** `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words, as in RFC 2047. */
const decodeWords = (value: string): string =>
  value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeBytes(text.replace(/_/g, ' ')),
    );

const parseHeaders = (block: string): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const line of block
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = decodeWords(line.slice(at + 1).trim());
  }
  return headers;
};

const decodeBody = (body: string, encoding = '7bit'): string => {
  if (encoding.toLowerCase() === 'quoted-printable') return decodeBytes(body.replace(/=\r?\n/g, '')).replace(/\r\n/g, '\n');
  if (encoding.toLowerCase() === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  return body.replace(/\r\n/g, '\n');
};

/** Splits a MIME entity into headers and body, and finds its text/plain content. */
const textOf = (entity: string): { headers: Record<string, string>; text: string } => {
  const split = entity.search(/\r?\n\r?\n/);
  const headers = parseHeaders(entity.slice(0, split));
  const body = entity.slice(split).replace(/^\r?\n\r?\n/, '');
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      const inner = textOf(part.replace(/^\r?\n/, ''));
      if ((inner.headers['content-type'] ?? '').startsWith('text/plain')) return { headers, text: inner.text.replace(/\n$/, '') };
    }
    return { headers, text: '' };
  }
  return { headers, text: decodeBody(body, headers['content-transfer-encoding']).replace(/\n$/, '') };
};

/** Starts an SMTP server on 127.0.0.1 and a free port (no TLS: STARTTLS is not offered). */
export const startSmtpServer = async (options: SmtpServerOptions = {}): Promise<SmtpTestServer> => {
  const mails: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  let rcpts = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = options.rejectRcpt?.(address.address, ++rcpts);
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => {
        raw += c;
      });
      stream.on('end', () => {
        const { headers, text } = textOf(raw);
        const envelope = session.envelope;
        const mail: ReceivedMail = {
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          rcptTo: envelope.rcptTo.map((r) => r.address),
          headers,
          subject: headers.subject ?? '',
          text,
          raw,
        };
        // A mail counts once it is accepted (the reply sent), as the sender sees it.
        const reply = () => {
          mails.push(mail);
          for (const w of waiters.splice(0)) w();
          callback();
        };
        if (options.replyDelayMs) setTimeout(reply, options.replyDelayMs);
        else reply();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';
  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    mails,
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} mails, got ${mails.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
