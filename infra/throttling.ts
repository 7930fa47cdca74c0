/**
 * Per-method throttling of the routes API Gateway serves without an API key: no usage plan limits them, so without
 * these a flood of health checks, documentation reads or sign-up attempts (each one a Cognito authorizer call) would
 * only meet the account's 10,000 requests/s. Applied to the stage by infra/method-throttling.cjs.
 */
import { type Route, routes } from '../libs/http/routes';
import { docsPaths } from './docs';

/** A method's steady rate (requests/s) and burst. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/** Limits per kind of unauthenticated route. */
export const publicThrottles = {
  /** `GET /v1/health`: probes. @default 10/s, burst 20 */
  health: { rateLimit: 10, burstLimit: 20 },
  /** Swagger UI and the contract (`/docs`, its assets, `/openapi.yaml`). @default 10/s, burst 40 (a page load fetches a few assets) */
  docs: { rateLimit: 10, burstLimit: 40 },
  /** Tenant sign-up (`POST /v1/tenants`, the Cognito authorizer first). @default 1/s, burst 5 */
  signUp: { rateLimit: 1, burstLimit: 5 },
  /** The operator's tenant administration (`GET /v1/tenants`, `GET` and `PATCH /v1/tenants/{tenantId}`). @default 5/s, burst 10 */
  operator: { rateLimit: 5, burstLimit: 10 },
} as const satisfies Record<string, Throttle>;

/** A stage's method setting (CloudFormation `MethodSetting`). */
export interface MethodSetting {
  HttpMethod: string;
  /** The path with every `/` written `~1`, after a leading `/` (`/v1/health` → `/~1v1~1health`). */
  ResourcePath: string;
  ThrottlingRateLimit: number;
  ThrottlingBurstLimit: number;
}

const setting = (method: string, path: string, t: Throttle): MethodSetting => ({
  HttpMethod: method,
  ResourcePath: `/${`/${path.replace(/^\//, '')}`.replaceAll('/', '~1')}`,
  ThrottlingRateLimit: t.rateLimit,
  ThrottlingBurstLimit: t.burstLimit,
});

const throttleOf = (r: Route): Throttle => {
  if (r.access === 'public') return publicThrottles.health;
  return r.method === 'POST' && r.path === '/v1/tenants' ? publicThrottles.signUp : publicThrottles.operator;
};

/** The method settings of every route without an API key: public and operator routes, and the docs function's. */
export const methodThrottling = (): MethodSetting[] => [
  ...routes.filter((r) => r.access === 'public' || r.access === 'operator').map((r) => setting(r.method, r.path, throttleOf(r))),
  ...docsPaths.map((path) => setting('GET', path, publicThrottles.docs)),
];
