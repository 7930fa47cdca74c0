/**
 * The route table: the single source of truth for the public HTTP surface.
 * The local gateway routes with it, serverless.ts builds its http events from it,
 * and a test checks it against openapi.yaml in both directions.
 */

/** Who may call a route. */
export const Access = {
  /** Anyone, no credentials. */
  public: 'public',
  /** The operator's admin token (or, on AWS, a Cognito ID token). */
  operator: 'operator',
  /** A control key only. */
  control: 'control',
  /** A control key, or a data key bound to the resource's app. */
  data: 'data',
} as const;
export type Access = (typeof Access)[keyof typeof Access];

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Route {
  /** HTTP method. */
  method: HttpMethod;
  /** Path template in API Gateway syntax: `/v1/apps/{appId}`. */
  path: string;
  /** Handler directory under `functions/`, e.g. `api/apps/create`; its `handler.ts` exports `handler`. */
  fn: string;
  /** Who may call it. */
  access: Access;
  /** Whether the route accepts a JSON request body (`required` means it must be present). */
  body: 'none' | 'optional' | 'required';
  /** OpenAPI operationId, also the generated client's name for it; its handler looks the route up by it (`api(operationId, ...)`). */
  operationId: string;
  /** Creates or revokes keys, hence API Gateway keys on AWS. Grants the API Gateway key permissions. */
  managesGatewayKeys?: true;
  /** Reads the request counts of the tenant's keys from API Gateway's own metering (libs/apigateway/usage.ts). */
  readsGatewayUsage?: true;
  /** Seals an app's secrets (a new signing secret, header values): on AWS, KMS data keys (`kms:GenerateDataKey`). */
  sealsSecrets?: true;
  /**
   * Answers with a Server-Sent Events stream, which the embedded gateway serves itself (libs/gateway/events.ts) once the
   * caller is authenticated and admitted; the handler (what a Lambda runs) answers 501: REST API Gateway holds no stream.
   */
  streams?: true;
}

const table = [
  { method: 'GET', path: '/v1/health', fn: 'api/health/get', access: Access.public, body: 'none', operationId: 'getHealth' },

  {
    method: 'POST',
    path: '/v1/tenants',
    fn: 'api/tenants/create',
    access: Access.operator,
    body: 'required',
    operationId: 'createTenant',
    managesGatewayKeys: true,
  },
  { method: 'GET', path: '/v1/tenants', fn: 'api/tenants/list', access: Access.operator, body: 'none', operationId: 'listTenants' },
  { method: 'GET', path: '/v1/tenants/me', fn: 'api/tenants/me', access: Access.control, body: 'none', operationId: 'getOwnTenant' },
  {
    method: 'GET',
    path: '/v1/tenants/{tenantId}',
    fn: 'api/tenants/get',
    access: Access.operator,
    body: 'none',
    operationId: 'getTenant',
  },
  {
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}',
    fn: 'api/tenants/update',
    access: Access.operator,
    body: 'required',
    operationId: 'updateTenant',
    // A plan change moves the tenant's keys to the new usage plan; a resumption sends its held messages.
    managesGatewayKeys: true,
  },

  {
    method: 'POST',
    path: '/v1/apps',
    fn: 'api/apps/create',
    access: Access.control,
    body: 'required',
    operationId: 'createApp',
    sealsSecrets: true,
  },
  { method: 'GET', path: '/v1/apps', fn: 'api/apps/list', access: Access.control, body: 'none', operationId: 'listApps' },
  { method: 'GET', path: '/v1/apps/{appId}', fn: 'api/apps/get', access: Access.control, body: 'none', operationId: 'getApp' },
  {
    method: 'PATCH',
    path: '/v1/apps/{appId}',
    fn: 'api/apps/update',
    access: Access.control,
    body: 'required',
    operationId: 'updateApp',
    sealsSecrets: true,
  },
  {
    method: 'DELETE',
    path: '/v1/apps/{appId}',
    fn: 'api/apps/delete',
    access: Access.control,
    body: 'none',
    operationId: 'deleteApp',
    // The app's data keys are revoked with it: on AWS their API Gateway keys are deleted.
    managesGatewayKeys: true,
  },
  {
    method: 'POST',
    path: '/v1/apps/{appId}/rotate-secret',
    fn: 'api/apps/rotate-secret',
    access: Access.control,
    body: 'none',
    operationId: 'rotateAppSecret',
    sealsSecrets: true,
  },

  {
    method: 'POST',
    path: '/v1/keys',
    fn: 'api/keys/create',
    access: Access.control,
    body: 'required',
    operationId: 'createKey',
    managesGatewayKeys: true,
  },
  { method: 'GET', path: '/v1/keys', fn: 'api/keys/list', access: Access.control, body: 'none', operationId: 'listKeys' },
  {
    method: 'DELETE',
    path: '/v1/keys/{keyId}',
    fn: 'api/keys/revoke',
    access: Access.control,
    body: 'none',
    operationId: 'revokeKey',
    managesGatewayKeys: true,
  },

  {
    method: 'POST',
    path: '/v1/messages',
    fn: 'api/messages/create',
    access: Access.data,
    body: 'required',
    operationId: 'createMessage',
  },
  {
    method: 'POST',
    path: '/v1/messages/batch',
    fn: 'api/messages/batch',
    access: Access.data,
    body: 'required',
    operationId: 'createMessageBatch',
  },
  { method: 'GET', path: '/v1/messages', fn: 'api/messages/list', access: Access.data, body: 'none', operationId: 'listMessages' },
  { method: 'GET', path: '/v1/messages/{messageId}', fn: 'api/messages/get', access: Access.data, body: 'none', operationId: 'getMessage' },
  {
    method: 'GET',
    path: '/v1/messages/{messageId}/attempts',
    fn: 'api/messages/attempts',
    access: Access.data,
    body: 'none',
    operationId: 'listMessageAttempts',
  },
  {
    method: 'POST',
    path: '/v1/messages/{messageId}/abort',
    fn: 'api/messages/abort',
    access: Access.data,
    body: 'none',
    operationId: 'abortMessage',
  },
  {
    method: 'POST',
    path: '/v1/messages/{messageId}/redrive',
    fn: 'api/messages/redrive',
    access: Access.data,
    body: 'optional',
    operationId: 'redriveMessage',
  },

  {
    method: 'POST',
    path: '/v1/schedules',
    fn: 'api/schedules/create',
    access: Access.data,
    body: 'required',
    operationId: 'createSchedule',
  },
  { method: 'GET', path: '/v1/schedules', fn: 'api/schedules/list', access: Access.data, body: 'none', operationId: 'listSchedules' },
  {
    method: 'POST',
    path: '/v1/schedules/preview',
    fn: 'api/schedules/preview',
    access: Access.data,
    body: 'required',
    operationId: 'previewSchedule',
  },
  {
    method: 'GET',
    path: '/v1/schedules/{scheduleId}',
    fn: 'api/schedules/get',
    access: Access.data,
    body: 'none',
    operationId: 'getSchedule',
  },
  {
    method: 'PATCH',
    path: '/v1/schedules/{scheduleId}',
    fn: 'api/schedules/update',
    access: Access.data,
    body: 'required',
    operationId: 'updateSchedule',
  },
  {
    method: 'DELETE',
    path: '/v1/schedules/{scheduleId}',
    fn: 'api/schedules/delete',
    access: Access.data,
    body: 'none',
    operationId: 'deleteSchedule',
  },
  {
    method: 'POST',
    path: '/v1/schedules/{scheduleId}/pause',
    fn: 'api/schedules/pause',
    access: Access.data,
    body: 'none',
    operationId: 'pauseSchedule',
  },
  {
    method: 'POST',
    path: '/v1/schedules/{scheduleId}/resume',
    fn: 'api/schedules/resume',
    access: Access.data,
    body: 'none',
    operationId: 'resumeSchedule',
  },
  {
    method: 'POST',
    path: '/v1/schedules/{scheduleId}/trigger',
    fn: 'api/schedules/trigger',
    access: Access.data,
    body: 'none',
    operationId: 'triggerSchedule',
  },
  {
    method: 'GET',
    path: '/v1/schedules/{scheduleId}/runs',
    fn: 'api/schedules/runs',
    access: Access.data,
    body: 'none',
    operationId: 'listScheduleRuns',
  },

  {
    method: 'GET',
    path: '/v1/usage',
    fn: 'api/usage/get',
    access: Access.control,
    body: 'none',
    operationId: 'getUsage',
    readsGatewayUsage: true,
  },

  {
    method: 'GET',
    path: '/v1/events',
    fn: 'api/events/stream',
    access: Access.data,
    body: 'none',
    operationId: 'streamEvents',
    streams: true,
  },
] as const satisfies readonly Route[];

/**
 * What a client most likely meant by a method that a routed path does not take (`METHOD path template`), added to the
 * 405's message. API Gateway cannot answer 405 (it answers 404), so these hints are the embedded gateway's.
 */
export const methodHints: Readonly<Record<string, string>> = {
  'DELETE /v1/messages/{messageId}':
    'messages are not deleted: POST /v1/messages/{messageId}/abort cancels a scheduled one, and its history stays readable',
};

/** The operationIds of the route table: a handler names its route by one of these. */
export type OperationId = (typeof table)[number]['operationId'];

export const routes: readonly Route[] = table;

const byOperationId = new Map<string, Route>(routes.map((r) => [r.operationId, r]));

/** The route entry of `operationId`; throws for an unknown one (a handler that names no route must not load). */
export const routeOf = (operationId: OperationId): Route => {
  const route = byOperationId.get(operationId);
  if (!route) throw new Error(`no route has operationId ${operationId}: add it to libs/http/routes.ts`);
  return route;
};

/** Routes with a path parameter, e.g. for the generated isolation suite. */
export const routesWithPathId = (): Route[] => routes.filter((r) => r.path.includes('{'));
