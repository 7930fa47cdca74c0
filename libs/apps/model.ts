import type { ChainLink } from '../messages/model';
import type { RetryPolicy } from '../domain/retry';

/** The kinds of target an app delivers to (`target.type`). */
export const TargetType = {
  http: 'http',
  email: 'email',
  sqs: 'sqs',
  sns: 'sns',
  eventbridge: 'eventbridge',
} as const;
export type TargetType = (typeof TargetType)[keyof typeof TargetType];
export const targetTypes = Object.values(TargetType);

/** Methods an HTTP target may be called with; GET and DELETE carry no body. */
export const httpMethods = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;
export type HttpTargetMethod = (typeof httpMethods)[number];

/** An HTTP(S) webhook. */
export interface HttpTarget {
  type: 'http';
  url: string;
  /** @default 'POST' */
  method?: HttpTargetMethod;
  /** Extra request headers; values are secrets, sealed at rest (libs/apps/secrets.ts) and never returned. */
  headers?: Record<string, string>;
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

/** Whether an app is delivered to (`disabled`: by its tenant, or by the engine after days of failures). */
export const AppStatus = { active: 'active', disabled: 'disabled' } as const;
export type AppStatus = (typeof AppStatus)[keyof typeof AppStatus];

/** An email, sent by SMTP (embedded) or SES (AWS); the payload is its body. */
export interface EmailTarget {
  type: 'email';
  to: string[];
  cc?: string[];
  bcc?: string[];
  /** @default the operator's `PUNCTUAL_EMAIL_FROM` */
  from?: string;
  /** May hold the placeholders of `subjectPlaceholders`. */
  subject: string;
}

/** An SQS queue; the payload is the message body. */
export interface SqsTarget {
  type: 'sqs';
  queueUrl: string;
  /** Required by (and only allowed for) a FIFO queue. */
  messageGroupId?: string;
}

/** An SNS topic; the payload is the message. */
export interface SnsTarget {
  type: 'sns';
  topicArn: string;
  /** String attributes added to every publish (subscription filter policies route on them). */
  messageAttributes?: Record<string, string>;
}

/** An EventBridge event bus; the payload is the event's detail. */
export interface EventBridgeTarget {
  type: 'eventbridge';
  eventBusArn: string;
  source: string;
  detailType: string;
}

/** Where an app's messages go. */
export type Target = HttpTarget | EmailTarget | SqsTarget | SnsTarget | EventBridgeTarget;

/** The placeholders an email subject may hold, rendered per delivery. */
export const subjectPlaceholders = ['schedule.name', 'message.id', 'message.sendAt'] as const;

/** Most recipients of one email, To, Cc and Bcc together (SES's limit per message). */
export const maxEmailRecipients = 50;

/**
 * A tenant's delivery target with its signing secret, retry policy and flow limits. Its secrets
 * (`signingSecret`, `previousSecret`, HTTP header values) are sealed as stored and as the services
 * hold them; only the engines' view of the store opens them (libs/apps/secrets.ts).
 */
export interface App {
  id: string;
  tenantId: string;
  name: string;
  description?: string;
  target: Target;
  retryPolicy: RetryPolicy;
  /** Most deliveries in flight at once to this app. */
  maxConcurrency: number;
  /**
   * `disabled`: its deliveries fail at once, without a request (set by the tenant, or by the engine after
   * days of failed deliveries, with `disabledAt` and `disabledReason`). @default 'active' (absent)
   */
  status?: AppStatus;
  /** When it was disabled. */
  disabledAt?: number;
  /** Why it was disabled, for humans. */
  disabledReason?: string;
  /** Chains its messages' deliveries to this app (unless the message or its schedule names another). */
  onSuccess?: ChainLink;
  /** Chains its messages' failures to this app (unless the message or its schedule names another). */
  onFailure?: ChainLink;
  /** Current `whsec_` secret. */
  signingSecret: string;
  /** The secret before the last rotation, still signing alongside until `previousSecretExpiresAt`. */
  previousSecret?: string;
  previousSecretExpiresAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** @default per-attempt timeout of a webhook target */
export const defaultTimeoutMs = 10_000;
/** @default method of an HTTP target */
export const defaultHttpMethod: HttpTargetMethod = 'POST';
/** @default most concurrent deliveries to one app */
export const defaultMaxConcurrency = 64;
/** How long a rotated-out secret keeps signing. */
export const secretOverlapMs = 24 * 3_600_000;

/** Secrets that sign a delivery at `now`: the current one, plus the previous during its overlap. */
export const liveSecrets = (app: App, now: number): string[] =>
  app.previousSecret && (app.previousSecretExpiresAt ?? 0) > now ? [app.signingSecret, app.previousSecret] : [app.signingSecret];

/** The error of a delivery to a disabled app (no request is made). */
export const disabledAppError = (app: App): string =>
  `the app is disabled${app.disabledReason ? ` (${app.disabledReason})` : ''}; ` +
  'enable it with PATCH /v1/apps/{id} {"status":"active"}, then redrive its failed messages';
