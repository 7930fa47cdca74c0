import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { Mail, Mailer } from './email';

/** How the SMTP mailer connects. */
export interface SmtpMailerOptions {
  /** `smtp://` or `smtps://user:pass@host:port` (`PUNCTUAL_SMTP_URL`): operator configuration, never logged. */
  url: string;
  /** @default 5 connections kept open to the server */
  maxConnections?: number;
  /** @default 10_000 ms to connect and to get the server's greeting */
  connectTimeoutMs?: number;
  /** @default 30_000 ms of silence on a connection before the send fails */
  socketTimeoutMs?: number;
}

const defaults = { maxConnections: 5, connectTimeoutMs: 10_000, socketTimeoutMs: 30_000 };

// Failures of the message, its envelope or our settings, identical on every try (the connection's failures retry).
const permanentCodes: ReadonlySet<string> = new Set([
  'EENVELOPE',
  'EMESSAGE',
  'EMAXRECIPIENTS',
  'EAUTH',
  'ENOAUTH',
  'ECONFIG',
  'EFILEACCESS',
  'EURLACCESS',
]);

/**
 * The outcome of a failed SMTP send: a 4xx reply (try later) and a broken connection retry; a 5xx
 * reply (refused recipient, sender or message) and anything about the message itself are permanent.
 * The reply code is the attempt's status code.
 */
export const smtpFailure = (err: unknown, durationMs: number): DeliveryOutcome => {
  const e = (err ?? {}) as { code?: string; responseCode?: number; message?: string };
  const reply = e.responseCode;
  const error = `SMTP ${reply ?? e.code ?? 'error'}: ${(e.message ?? '').slice(0, 250)}`;
  if (reply !== undefined) return { kind: reply >= 400 && reply < 500 ? 'retry' : 'permanent', error, durationMs, statusCode: reply };
  return { kind: e.code !== undefined && permanentCodes.has(e.code) ? 'permanent' : 'retry', error, durationMs };
};

/**
 * Sends mail over SMTP with nodemailer's pool (the embedded runtime). The Message-ID is derived from the
 * message id, the same on every attempt, so a receiving system can drop a retry of a mail that arrived.
 */
export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(options: SmtpMailerOptions) {
    const o = { ...defaults, ...options };
    this.transport = createTransport({
      pool: true,
      url: o.url,
      maxConnections: o.maxConnections,
      connectionTimeout: o.connectTimeoutMs,
      greetingTimeout: o.connectTimeoutMs,
      socketTimeout: o.socketTimeoutMs,
      // Only our own content is sent: never let a message read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(mail: Mail): Promise<DeliveryOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const info = await this.transport.sendMail({
        from: mail.from,
        to: mail.to,
        ...(mail.cc ? { cc: mail.cc } : {}),
        ...(mail.bcc ? { bcc: mail.bcc } : {}),
        subject: mail.subject,
        ...(mail.text !== undefined ? { text: mail.text } : {}),
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        messageId: `<${mail.messageId}@punctual>`,
        headers: { 'x-punctual-message-id': mail.messageId, 'x-punctual-attempt': String(mail.attempt) },
      });
      const rejected = (info.rejected ?? []).map(String);
      // The status of an accepted mail is the server's SMTP reply code (250).
      return {
        kind: 'success',
        statusCode: Number(/^\d{3}/.exec(info.response ?? '')?.[0] ?? 250),
        durationMs: elapsed(),
        responseBody: JSON.stringify({ messageId: info.messageId, response: info.response, ...(rejected.length ? { rejected } : {}) }),
      };
    } catch (err) {
      return smtpFailure(err, elapsed());
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
