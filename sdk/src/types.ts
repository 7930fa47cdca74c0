import type { components, operations } from './schema.js';

/** Request and response shapes, generated from openapi.yaml into schema.d.ts (`npm run generate:sdk`). */

type Schemas = components['schemas'];
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
/** A timestamp the caller may give as a `Date` (JSON serialises it as RFC 3339 UTC). */
type Instant = string | Date;

export type ErrorCode = Schemas['ErrorCode'];
export type Plan = Schemas['Plan'];
export type RetryPolicy = Schemas['RetryPolicy'];
export type RetryPolicyInput = Schemas['RetryPolicyInput'];
export type Health = Schemas['Health'];

export type TenantCreateParams = Schemas['TenantCreate'];
export type TenantCreated = Schemas['TenantCreated'];
export type Tenant = Schemas['Tenant'];
export type OwnTenant = Schemas['OwnTenant'];
export type TenantStatus = Schemas['TenantStatus'];
export type TenantUpdateParams = Schemas['TenantUpdate'];
export type TenantListParams = Query<'listTenants'>;
export type PlanLimits = Schemas['PlanLimits'];

export type App = Schemas['App'];
/** Where an app delivers, as given to `apps.create`/`apps.update`: discriminated by `type`. */
export type TargetInput = Schemas['TargetInput'];
/** An app's target as read back (an `http` target's header values read as `***`). */
export type Target = Schemas['Target'];
export type HttpTargetInput = Schemas['HttpTargetInput'];
export type HttpTargetMethod = Schemas['HttpTargetMethod'];
export type HttpTarget = Schemas['HttpTarget'];
/** An email to `to` (with `cc`, `bcc`, `from`), the payload as its body and `subject` rendered from the message. */
export type EmailTarget = Schemas['EmailTargetInput'];
export type SqsTarget = Schemas['SqsTargetInput'];
export type SnsTarget = Schemas['SnsTargetInput'];
export type EventBridgeTarget = Schemas['EventBridgeTargetInput'];
export type AppWithSecret = Schemas['AppWithSecret'];
export type AppCreateParams = Schemas['AppCreate'];
export type AppUpdateParams = Schemas['AppUpdate'];
export type AppListParams = Query<'listApps'>;
export type SecretRotation = Schemas['SecretRotation'];
/** What `apps.delete` did beside deleting the app. */
export interface AppDeletion {
  /** The app's pending messages it aborted (`Punctual-Aborted-Messages`). */
  abortedMessages: number;
}

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyCreated = Schemas['ApiKeyCreated'];
export type KeyCreateParams = Schemas['ApiKeyCreate'];
export type KeyListParams = Query<'listKeys'>;
export type KeyScope = Schemas['KeyScope'];

export type Message = Schemas['Message'];
export type MessageStatus = Schemas['MessageStatus'];
export type MessageBatchItemResult = Schemas['MessageBatchItemResult'];
export type MessageBatchResult = Schemas['MessageBatchResult'];
export type MessageListParams = Query<'listMessages'>;
export type Attempt = Schemas['Attempt'];
export type AttemptOutcome = Schemas['AttemptOutcome'];

/** `POST /v1/messages`, with `sendAt` as a string or a `Date`, and control over the idempotency key. */
export interface MessageCreateParams extends Omit<Schemas['MessageCreate'], 'sendAt' | 'idempotencyKey'> {
  sendAt?: Instant;
  /**
   * Repeating a key for the same app within 24 h returns the original message instead of a new one. The client
   * generates one when absent, which is what makes a create safe to retry; `false` sends none (and disables retries).
   */
  idempotencyKey?: string | false;
}

/** `POST /v1/messages/{id}/redrive`: when to deliver again (default now). */
export interface MessageRedriveParams {
  sendAt?: Instant;
}

export type Schedule = Schemas['Schedule'];
export type ScheduleState = Schemas['ScheduleState'];
export type ScheduleListParams = Query<'listSchedules'>;
export type ScheduleRunsParams = Query<'listScheduleRuns'>;

/** `POST /v1/schedules`, with `startAt`/`endAt` as strings or `Date`s. */
export interface ScheduleCreateParams extends Omit<Schemas['ScheduleCreate'], 'startAt' | 'endAt'> {
  startAt?: Instant;
  endAt?: Instant;
}

/** `POST /v1/schedules/preview`, with `startAt`/`endAt` as strings or `Date`s. */
export interface SchedulePreviewParams extends Omit<Schemas['SchedulePreviewRequest'], 'startAt' | 'endAt'> {
  startAt?: Instant;
  endAt?: Instant;
}
export type SchedulePreview = Schemas['SchedulePreview'];

/** `PATCH /v1/schedules/{id}`: any non-empty subset; `startAt`/`endAt` as strings or `Date`s. */
export interface ScheduleUpdateParams extends Omit<Schemas['ScheduleUpdate'], 'startAt' | 'endAt'> {
  startAt?: Instant;
  endAt?: Instant;
}

export type Usage = Schemas['Usage'];
export type UsageRow = Schemas['UsageRow'];
export type UsageParams = Query<'getUsage'>;

/** What a live event's `data` holds: the ids of what changed and its new state (never a payload). */
export type EventData = Schemas['EventData'];
/** The types of live events (`GET /v1/events`). */
export type LiveEventType =
  | 'message.created'
  | 'message.delivered'
  | 'message.failed'
  | 'message.aborted'
  | 'message.redriven'
  | 'attempt'
  | 'schedule.run';

/**
 * One event of `p.events()`. `reset` says the events after the `lastEventId` resumed from are no longer known
 * (more than 10 minutes, or too many, went by): reload what you show from the API.
 */
export type LiveEvent = { type: LiveEventType; id: string; data: EventData } | { type: 'reset'; id?: undefined; data: { reason: string } };
