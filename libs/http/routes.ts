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
  /** OpenAPI operationId, also the generated client's name for it. */
  operationId: string;
}

export const routes: readonly Route[] = [
  { method: 'GET', path: '/v1/health', fn: 'api/health/get', access: Access.public, body: 'none', operationId: 'getHealth' },

  { method: 'POST', path: '/v1/tenants', fn: 'api/tenants/create', access: Access.operator, body: 'required', operationId: 'createTenant' },

  { method: 'POST', path: '/v1/apps', fn: 'api/apps/create', access: Access.control, body: 'required', operationId: 'createApp' },
  { method: 'GET', path: '/v1/apps', fn: 'api/apps/list', access: Access.control, body: 'none', operationId: 'listApps' },
  { method: 'GET', path: '/v1/apps/{appId}', fn: 'api/apps/get', access: Access.control, body: 'none', operationId: 'getApp' },
  { method: 'PATCH', path: '/v1/apps/{appId}', fn: 'api/apps/update', access: Access.control, body: 'required', operationId: 'updateApp' },
  { method: 'DELETE', path: '/v1/apps/{appId}', fn: 'api/apps/delete', access: Access.control, body: 'none', operationId: 'deleteApp' },
  {
    method: 'POST',
    path: '/v1/apps/{appId}/rotate-secret',
    fn: 'api/apps/rotate-secret',
    access: Access.control,
    body: 'none',
    operationId: 'rotateAppSecret',
  },

  { method: 'POST', path: '/v1/keys', fn: 'api/keys/create', access: Access.control, body: 'required', operationId: 'createKey' },
  { method: 'GET', path: '/v1/keys', fn: 'api/keys/list', access: Access.control, body: 'none', operationId: 'listKeys' },
  { method: 'DELETE', path: '/v1/keys/{keyId}', fn: 'api/keys/revoke', access: Access.control, body: 'none', operationId: 'revokeKey' },

  { method: 'POST', path: '/v1/messages', fn: 'api/messages/create', access: Access.data, body: 'required', operationId: 'createMessage' },
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

  { method: 'GET', path: '/v1/usage', fn: 'api/usage/get', access: Access.control, body: 'none', operationId: 'getUsage' },
];

/** Routes with a path parameter, e.g. for the generated isolation suite. */
export const routesWithPathId = (): Route[] => routes.filter((r) => r.path.includes('{'));
