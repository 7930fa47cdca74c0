/**
 * Swagger UI (/docs), the contract (/openapi.yaml) and the tenant console (/console) on AWS: one unauthenticated function,
 * functions/docs/handler.ts, whose bundle carries the files itself (import attributes, see
 * functions/docs/assets.ts), so it needs no esbuild loader, no package patterns and no binary media
 * types. Same shape as infra/functions.ts's `apiFunctions`, for serverless.ts to merge.
 */
import { functionRole } from './iam';
import { functionName, roleLogicalId } from './names';

/** The routes of the docs function: the page, its assets, the spec; the console and its two files. */
export const docsPaths = ['docs', 'docs/{proxy+}', 'openapi.yaml', 'console', 'console/{proxy+}'] as const;

/** The serverless `functions` block and the role of the docs function; it touches nothing but its logs. */
export const docsFunctions = (stage: string) => {
  const name = functionName('docs');
  const role = roleLogicalId(name);
  return {
    functions: {
      [name]: {
        handler: 'functions/docs/handler.handler',
        role,
        // Public documentation, like the spec in the repo: no key, so no usage plan applies.
        events: docsPaths.map((path) => ({ http: { method: 'get', path, private: false } })),
      },
    } as Record<string, unknown>,
    roles: { [role]: functionRole(name, stage, { table: 'none', enqueue: false, gatewayKeys: false }) } as Record<string, unknown>,
  };
};
