/**
 * The API functions, generated from the route table (libs/http/routes.ts), each with its own role.
 * What a function may touch comes from its route entry (`needsOf`) and is turned into IAM by infra/iam.ts.
 */
import { routes, type Route } from '../libs/http/routes';
import { functionIam, type Needs } from './iam';
import { functionName, roleLogicalId } from './names';

/**
 * What one route's function needs. Public routes touch no data; GET routes only read (plus the key's `lastUsedAt` touch).
 * None sends to the delivery queue or books a wake-up: the table stream hands what they write to the engine (engineHandoff).
 */
export const needsOf = (route: Route): Needs => ({
  table: route.access === 'public' ? 'none' : route.method === 'GET' ? 'read' : 'write',
  gatewayKeys: route.managesGatewayKeys === true,
  gatewayUsage: route.readsGatewayUsage === true,
  ...(route.sealsSecrets ? { secrets: 'seal' as const } : {}),
});

/** The Lambda TOKEN authorizer of the operator routes; API Gateway caches its answer per token. */
export const operatorAuthorizer = {
  name: 'authorizer',
  type: 'token',
  identitySource: 'method.request.header.Authorization',
  resultTtlInSeconds: 300,
} as const;

/**
 * The serverless `functions` block and the per-function roles and policies (CloudFormation resources). `plans`: the
 * catalogue's plan names, whose usage plans the key and usage functions may touch.
 */
export const apiFunctions = (stage: string, plans: string[]) => {
  const functions: Record<string, unknown> = {};
  const roles: Record<string, unknown> = {};
  for (const route of routes) {
    const name = functionName(route.fn);
    const role = roleLogicalId(name);
    Object.assign(roles, functionIam(name, stage, needsOf(route), plans));
    functions[name] = {
      handler: `functions/${route.fn}/handler.handler`,
      role,
      // Its role may only read: the runtime then writes nothing, not even the key's `lastUsedAt` (libs/runtime/aws-config.ts).
      ...(needsOf(route).table === 'read' ? { environment: { PUNCTUAL_READ_ONLY: 'true' } } : {}),
      events: [
        {
          http: {
            method: route.method.toLowerCase(),
            path: route.path.replace(/^\//, ''),
            // Everything but health and tenant sign-up needs an API Gateway key (x-api-key): the usage plans apply.
            private: route.access !== 'public' && route.access !== 'operator',
            // Sign-up needs a Cognito ID token, checked by API Gateway before the function runs (functions/authorizer).
            ...(route.access === 'operator' ? { authorizer: operatorAuthorizer } : {}),
          },
        },
      ],
    };
  }
  return { functions, roles };
};
