/**
 * App targets in the console: the form's draft of each target type, the request body it makes, and a target in words
 * for the apps list. Pure functions (unit-tested); the API validates and its field issues are shown beside the form.
 */
import type { RetryPolicy, Target } from './types';

/** The target types the API knows, with what the type picker says. */
export const targetTypes = [
  { type: 'http', label: 'Webhook (HTTP)' },
  { type: 'email', label: 'Email' },
  { type: 'sqs', label: 'Amazon SQS queue' },
  { type: 'sns', label: 'Amazon SNS topic' },
  { type: 'eventbridge', label: 'Amazon EventBridge bus' },
] as const;

export type TargetType = (typeof targetTypes)[number]['type'];

export const httpMethods = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

/** The placeholders an email subject may hold (Mustache variables, nothing else). */
export const subjectPlaceholders = ['{{schedule.name}}', '{{message.id}}', '{{message.sendAt}}'] as const;

/** What a header value reads back as: the API never returns one. */
export const hiddenValue = '***';

/** One extra request header of an http target, as typed. */
export interface HeaderDraft {
  name: string;
  /** A new value; empty on a header the app already has means "keep the stored one". */
  value: string;
  /** The app has this header already (its value is a secret the console never sees). */
  stored: boolean;
}

/** The target part of the app form, every type's fields as typed (only the chosen type's are sent). */
export interface TargetDraft {
  type: TargetType;
  url: string;
  method: string;
  timeoutMs: string;
  headers: HeaderDraft[];
  /** Addresses separated by commas, spaces or new lines. */
  to: string;
  cc: string;
  bcc: string;
  from: string;
  subject: string;
  queueUrl: string;
  messageGroupId: string;
  topicArn: string;
  /** One `name=value` a line. */
  messageAttributes: string;
  eventBusArn: string;
  source: string;
  detailType: string;
}

/** A field issue as the API words them (`target.to.0`, `retryPolicy.maxAgeMs`). */
export interface FieldIssue {
  path: string;
  issue: string;
}

/** Whether the console has a form for target type `t` (a later server may know more types). */
export const isTargetType = (t: string): t is TargetType => targetTypes.some((x) => x.type === t);

/** The form's draft of `target` (an app's, as read back), or of a new webhook. */
export const targetDraftOf = (target?: Target): TargetDraft => ({
  type: target && isTargetType(target.type) ? target.type : 'http',
  url: target?.url ?? '',
  method: target?.method ?? 'POST',
  timeoutMs: target?.timeoutMs === undefined ? '' : String(target.timeoutMs),
  headers: (target?.headerNames ?? Object.keys(target?.headers ?? {})).map((name) => ({ name, value: '', stored: true })),
  to: (target?.to ?? []).join(', '),
  cc: (target?.cc ?? []).join(', '),
  bcc: (target?.bcc ?? []).join(', '),
  from: target?.from ?? '',
  subject: target?.subject ?? '',
  queueUrl: target?.queueUrl ?? '',
  messageGroupId: target?.messageGroupId ?? '',
  topicArn: target?.topicArn ?? '',
  messageAttributes: Object.entries(target?.messageAttributes ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n'),
  eventBusArn: target?.eventBusArn ?? '',
  source: target?.source ?? '',
  detailType: target?.detailType ?? '',
});

/** A whole number as a number; anything else as typed, for the API to name (a number field never sends `NaN`). */
export const numberOrText = (s: string): number | string | undefined => {
  const t = s.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : t;
};

const addresses = (s: string): string[] =>
  s
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** `name=value` lines as an object; a line without `=` is an issue. */
const attributesOf = (text: string, issues: FieldIssue[]): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    const at = line.indexOf('=');
    if (at <= 0) {
      issues.push({ path: 'target.messageAttributes', issue: `"${line}" is not name=value` });
      continue;
    }
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
};

const text = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

/** Only the defined entries, in order (so two bodies of equal drafts serialise equally). */
const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * The target a draft describes, stored header values standing as `"***"` (a body for comparison; `targetChange`
 * decides what is sent).
 */
const build = (d: TargetDraft, issues: FieldIssue[]): Record<string, unknown> => {
  switch (d.type) {
    case 'http': {
      const rows = d.headers.filter((h) => h.name.trim() !== '' || h.value !== '');
      const headers = rows.length
        ? Object.fromEntries(rows.map((h) => [h.name.trim(), h.stored && h.value === '' ? hiddenValue : h.value]))
        : undefined;
      return defined({ type: 'http', url: text(d.url), method: d.method, headers, timeoutMs: numberOrText(d.timeoutMs) });
    }
    case 'email': {
      const list = (s: string) => (addresses(s).length ? addresses(s) : undefined);
      return defined({ type: 'email', to: list(d.to), cc: list(d.cc), bcc: list(d.bcc), from: text(d.from), subject: text(d.subject) });
    }
    case 'sqs':
      return defined({ type: 'sqs', queueUrl: text(d.queueUrl), messageGroupId: text(d.messageGroupId) });
    case 'sns':
      return defined({ type: 'sns', topicArn: text(d.topicArn), messageAttributes: attributesOf(d.messageAttributes, issues) });
    case 'eventbridge':
      return defined({ type: 'eventbridge', eventBusArn: text(d.eventBusArn), source: text(d.source), detailType: text(d.detailType) });
  }
};

/** What saving the form does to the target: nothing, a new target, or nothing yet because of the listed issues. */
export type TargetChange =
  | { kind: 'unchanged' }
  | { kind: 'set'; target: Record<string, unknown> }
  | { kind: 'invalid'; issues: FieldIssue[] };

/**
 * What the form's target means for the request. An edit that leaves the target as it was sends none, so its header
 * values stay stored (the API's PATCH replaces a given target whole, and never gives a header value back). A changed
 * http target keeps a stored header only if its value is typed again; the form says so instead of dropping it.
 */
export const targetChange = (draft: TargetDraft, original?: Target): TargetChange => {
  const issues: FieldIssue[] = [];
  const target = build(draft, issues);
  if (issues.length) return { kind: 'invalid', issues };
  if (original && JSON.stringify(target) === JSON.stringify(build(targetDraftOf(original), []))) return { kind: 'unchanged' };
  if (draft.type === 'http') {
    const kept = draft.headers.filter((h) => h.stored && h.value === '' && h.name.trim() !== '');
    if (kept.length) {
      return {
        kind: 'invalid',
        issues: kept.map((h) => ({
          path: `target.headers.${h.name.trim()}`,
          issue:
            'a changed target replaces the stored one whole, and header values are never read back: ' +
            'type this value again, or remove the header',
        })),
      };
    }
  }
  return { kind: 'set', target };
};

/** The last part of a path or ARN resource (`…/birthdays` → `birthdays`, `event-bus/ai-jobs` → `ai-jobs`). */
const lastPart = (s: string): string => s.replace(/\/+$/, '').split(/[/:]/).at(-1) ?? s;

/** `arn:aws:sns:us-east-1:123456789012:topic` → region and account, when it is one. */
const arnPlace = (arn: string): string => {
  const m = /^arn:[^:]+:[^:]+:([^:]*):(\d{12}):/.exec(arn);
  return m ? ` (${[m[1], `account ${m[2]}`].filter(Boolean).join(', ')})` : '';
};

const queuePlace = (url: string): string => {
  const region = /sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
  const account = /\/(\d{12})\/[^/]+\/?$/.exec(url)?.[1];
  const parts = [region, account && `account ${account}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
};

const listOf = (items: string[], max = 3): string =>
  items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');

/** An app's target in words, for a person skimming the list: "POST https://… with header authorization". */
export const describeTarget = (t: Target): string => {
  switch (t.type) {
    case 'http': {
      const names = t.headerNames ?? Object.keys(t.headers ?? {});
      const headers = names.length ? ` with ${names.length === 1 ? 'header' : 'headers'} ${names.join(', ')}` : '';
      return `${t.method ?? 'POST'} ${t.url ?? ''}${headers}`;
    }
    case 'email': {
      const copies = [t.cc?.length ? `cc ${listOf(t.cc)}` : '', t.bcc?.length ? `${t.bcc.length} bcc` : ''].filter(Boolean);
      return `Email to ${listOf(t.to ?? [])}${copies.length ? ` (${copies.join(', ')})` : ''}, subject "${t.subject ?? ''}"${
        t.from ? `, from ${t.from}` : ''
      }`;
    }
    case 'sqs': {
      const group = t.messageGroupId ? `, group ${t.messageGroupId}` : '';
      return `SQS queue ${lastPart(t.queueUrl ?? '')}${queuePlace(t.queueUrl ?? '')}${group}`;
    }
    case 'sns': {
      const attrs = Object.entries(t.messageAttributes ?? {}).map(([k, v]) => `${k}=${v}`);
      const attributes = attrs.length ? `, attributes ${attrs.join(', ')}` : '';
      return `SNS topic ${lastPart(t.topicArn ?? '')}${arnPlace(t.topicArn ?? '')}${attributes}`;
    }
    case 'eventbridge':
      return `EventBridge bus ${lastPart(t.eventBusArn ?? '')}${arnPlace(t.eventBusArn ?? '')}, ${t.source ?? ''} / ${t.detailType ?? ''}`;
    default:
      return t.type;
  }
};

/** The identifier a target's words shorten (a queue URL, an ARN), shown beside them; none for http and email. */
export const targetAddress = (t: Target): string | undefined =>
  t.type === 'sqs' ? t.queueUrl : t.type === 'sns' ? t.topicArn : t.type === 'eventbridge' ? t.eventBusArn : undefined;

/** A duration in the largest whole unit that fits: `86400000` → "24 h", `90000` → "90 s". */
export const duration = (ms: number): string => {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
};

/** A retry policy in words: "36 attempts, delays from 1 s to 2 h, for up to 24 h". */
export const describeRetries = (p: RetryPolicy): string =>
  `${p.maxAttempts} ${p.maxAttempts === 1 ? 'attempt' : 'attempts'}, delays from ${duration(p.baseDelayMs)} to ${duration(p.maxDelayMs)}${
    p.maxAgeMs === undefined ? '' : `, for up to ${duration(p.maxAgeMs)}`
  }`;

/** The issues of `issues` about `path` or anything under it (`target.to` covers `target.to.0`). */
export const issuesAt = (issues: FieldIssue[] | undefined, path: string): FieldIssue[] =>
  (issues ?? []).filter((i) => i.path === path || i.path.startsWith(`${path}.`));
