import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Generated from openapi.yaml by `npm run generate:client`; never edit schema.d.ts by hand. */

export interface PunctualClientOptions {
  /** Service root, e.g. `http://127.0.0.1:3000` (paths already start with `/v1`). */
  baseUrl: string;
  /** API key, sent as `x-api-key` on every request. */
  apiKey?: string;
  /** Operator admin token (or, on AWS, a Cognito ID token), sent as `Authorization: Bearer` for `POST /v1/tenants`. */
  adminToken?: string;
  /** Custom fetch (defaults to the global one). */
  fetch?: ClientOptions['fetch'];
}

/** A typed client for every operation of openapi.yaml: `client.POST('/v1/messages', { body })`. */
export type PunctualClient = Client<paths>;

export const createPunctualClient = ({ baseUrl, apiKey, adminToken, fetch }: PunctualClientOptions): PunctualClient => {
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) headers['x-api-key'] = apiKey;
  if (adminToken !== undefined) headers.authorization = `Bearer ${adminToken}`;
  return createClient<paths>({ baseUrl, headers, ...(fetch ? { fetch } : {}) });
};

type Schemas = components['schemas'];

export type ErrorBody = Schemas['Error'];
export type ErrorCode = Schemas['ErrorCode'];
export type FieldIssue = Schemas['FieldIssue'];
export type Plan = Schemas['Plan'];
export type RetryPolicy = Schemas['RetryPolicy'];
export type RetryPolicyInput = Schemas['RetryPolicyInput'];

export type TenantCreate = Schemas['TenantCreate'];
export type TenantCreated = Schemas['TenantCreated'];

export type App = Schemas['App'];
export type AppWithSecret = Schemas['AppWithSecret'];
export type AppCreate = Schemas['AppCreate'];
export type AppUpdate = Schemas['AppUpdate'];
export type SecretRotation = Schemas['SecretRotation'];

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyCreate = Schemas['ApiKeyCreate'];
export type ApiKeyCreated = Schemas['ApiKeyCreated'];
export type KeyScope = Schemas['KeyScope'];

export type Message = Schemas['Message'];
export type MessageCreate = Schemas['MessageCreate'];
export type MessageStatus = Schemas['MessageStatus'];
export type MessageBatchItemResult = Schemas['MessageBatchItemResult'];
export type MessageRedrive = Schemas['MessageRedrive'];
export type Attempt = Schemas['Attempt'];
export type AttemptOutcome = Schemas['AttemptOutcome'];

export type Schedule = Schemas['Schedule'];
export type ScheduleCreate = Schemas['ScheduleCreate'];
export type ScheduleUpdate = Schemas['ScheduleUpdate'];
export type ScheduleState = Schemas['ScheduleState'];

export type Usage = Schemas['Usage'];
export type UsageRow = Schemas['UsageRow'];
export type Health = Schemas['Health'];
