import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { renderSubject, needsScheduleName } from '../../apps/subject';
import { iso, type Clock } from '../../domain/clock';
import type { DeliveryOutcome } from '../../messages/outcome';
import type { ScheduleStore } from '../../schedules/port';
import { chainedText } from '../../messages/chain';
import { payloadValue } from './payload';
import type { RequestOf } from './request';

/** One email, as a mailer sends it. */
export interface Mail {
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  text?: string;
  html?: string;
  /** The delivery's message id (the same on every attempt) and attempt, for headers where the transport allows them. */
  messageId: string;
  attempt: number;
}

/** Sends mail: SMTP (smtp.ts, embedded) or SES (ses.ts, AWS). Resolves with the outcome, never rejects for a delivery problem. */
export interface Mailer {
  /** Sends one email; the outcome's response body holds the provider's message id. */
  send(mail: Mail): Promise<DeliveryOutcome>;
  /** Closes its connections once in-flight sends finish. */
  close(): Promise<void>;
}

/** What the email sender needs beside its mailer. */
export interface EmailSenderOptions {
  mailer: Mailer;
  /** The sender when the target names none (`PUNCTUAL_EMAIL_FROM`). */
  defaultFrom?: string;
  /** A schedule's name, for `{{schedule.name}}` (cached by the caller). */
  scheduleName?: (tenantId: string, scheduleId: string) => Promise<string | undefined>;
}

const bodyKeys: ReadonlySet<string> = new Set(['subject', 'text', 'html']);

/**
 * Subject and body from a payload: a string is the text; an object of only `subject`, `text` and `html`
 * (strings) sets those; any other value is the text, as indented JSON.
 */
export const mailContent = (payload: string): { subject?: string; text?: string; html?: string } => {
  const value = payloadValue(payload);
  if (typeof value === 'string') return { text: value };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([k, v]) => bodyKeys.has(k) && typeof v === 'string')) return value as Record<string, string>;
  }
  return { text: JSON.stringify(value, null, 2) };
};

/** Sends an `email` target's deliveries through a mailer. */
export class EmailSender {
  constructor(private readonly o: EmailSenderOptions) {}

  async send(req: RequestOf<'email'>): Promise<DeliveryOutcome> {
    const started = performance.now();
    const t = req.target;
    const from = t.from ?? this.o.defaultFrom;
    if (!from) return { kind: 'permanent', error: 'no sender: set target.from or PUNCTUAL_EMAIL_FROM', durationMs: 0 };
    // A chained message's email is its source's answer (the result's body, decoded), not the chain's JSON envelope.
    const chained = req.chainOf !== undefined ? chainedText(req.payload) : undefined;
    const content = chained !== undefined ? { text: chained } : mailContent(req.payload);
    let scheduleName = '';
    if (content.subject === undefined && req.scheduleId && needsScheduleName(t.subject) && this.o.scheduleName) {
      try {
        scheduleName = (await this.o.scheduleName(req.tenantId, req.scheduleId)) ?? '';
      } catch {
        // The name is decoration: a failed lookup leaves it empty rather than fail the delivery.
      }
    }
    const subject =
      content.subject !== undefined
        ? content.subject.replace(/[\r\n]+/g, ' ')
        : renderSubject(t.subject, { schedule: { name: scheduleName }, message: { id: req.messageId, sendAt: iso(req.scheduledAt) } });
    const outcome = await this.o.mailer.send({
      from,
      to: t.to,
      ...(t.cc?.length ? { cc: t.cc } : {}),
      ...(t.bcc?.length ? { bcc: t.bcc } : {}),
      subject,
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.html !== undefined ? { html: content.html } : {}),
      messageId: req.messageId,
      attempt: req.attempt,
    });
    return { ...outcome, durationMs: Math.round(performance.now() - started) };
  }
}

/** Options of the schedule-name lookup. */
export interface ScheduleNamesOptions {
  /** @default 60_000 ms a name is used before it is read again (a renamed schedule's mails follow within it) */
  ttlMs: number;
  /** @default 10_000 names kept */
  max: number;
}

/** The schedule names email subjects use, read once per `ttlMs` each, not once per mail. */
export const scheduleNames = (
  schedules: Pick<ScheduleStore, 'get'>,
  clock: Clock,
  options: Partial<ScheduleNamesOptions> = {},
): ((tenantId: string, scheduleId: string) => Promise<string | undefined>) => {
  const o = { ttlMs: 60_000, max: 10_000, ...options };
  const cache = new LRUCache<string, { name?: string }, { tenantId: string; scheduleId: string }>({
    max: o.max,
    ttl: o.ttlMs,
    // Ages by the injected clock, read at every check (as the engines' app cache does).
    perf: clock,
    ttlResolution: 0,
    fetchMethod: async (_key, _stale, { context }) => {
      const s = await schedules.get(context.tenantId, context.scheduleId);
      return s ? { name: s.name } : {};
    },
  });
  return async (tenantId, scheduleId) => (await cache.fetch(`${tenantId}/${scheduleId}`, { context: { tenantId, scheduleId } }))?.name;
};
