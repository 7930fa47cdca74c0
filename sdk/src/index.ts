export { Punctual, type PunctualOptions } from './client.js';
export {
  PunctualError,
  type PunctualErrorCode,
  type PunctualErrorInit,
  type FieldIssue,
  type ConflictState,
  type ExceededLimit,
  type JsonPosition,
} from './errors.js';
export { PagePromise, type Page } from './page.js';
export type { RequestOptions } from './transport.js';
export type * from './types.js';
export {
  verifyWebhook,
  WebhookVerifier,
  WebhookVerificationError,
  toleranceSeconds,
  type RawBody,
  type WebhookEvent,
  type WebhookHeaders,
  type WebhookSecret,
} from './webhooks/verify.js';
export type { Apps } from './resources/apps.js';
export type { Keys } from './resources/keys.js';
export type { BatchOptions, Messages } from './resources/messages.js';
export type { EventsOptions } from './resources/events.js';
export type { Schedules } from './resources/schedules.js';
export type { Tenants } from './resources/tenants.js';
export type { Usage as UsageResource } from './resources/usage.js';
