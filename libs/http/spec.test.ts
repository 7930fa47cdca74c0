import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import pkg from '../../package.json';
import { Access, routes, type Route } from './routes';

/** The route table and openapi.yaml must describe the same HTTP surface, both ways. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type SecurityRequirement = Record<string, string[]>;

interface SpecOperation {
  method: string;
  path: string;
  op: JsonObject;
  pathItem: JsonObject;
}

const specPath = join(__dirname, '..', '..', 'openapi.yaml');
const spec = parse(readFileSync(specPath, 'utf8')) as JsonObject;

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const label = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;
/** `/v1/apps/{appId}` and `/v1/apps/{id}` are the same route to a router. */
const shape = (path: string): string => path.replace(/\{[^}]+\}/g, '{}');
const templateParams = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

/** Resolves a local JSON pointer (`#/components/schemas/App`); undefined when it points nowhere. */
const pointer = (ref: string): Json | undefined => {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json | undefined = spec;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
};

/** Follows `$ref` chains to the object they name (a dangling ref is reported by its own test). */
const deref = (node: Json | undefined): JsonObject | undefined => {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 20; hops++) current = pointer(current.$ref);
  return isObject(current) ? current : undefined;
};

const specOperations: SpecOperation[] = Object.entries(isObject(spec.paths) ? spec.paths : {}).flatMap(([path, item]) =>
  isObject(item)
    ? httpMethods.flatMap((method) => {
        const op = item[method];
        return isObject(op) ? [{ method, path, op, pathItem: item }] : [];
      })
    : [],
);

const effectiveSecurity = (op: JsonObject): SecurityRequirement[] =>
  ((op.security ?? spec.security ?? []) as SecurityRequirement[]).filter((req) => isObject(req as Json));

const routeCases = routes.map((route) => [label(route.method, route.path), route] as const);

const findOperation = (route: Route): SpecOperation | undefined =>
  specOperations.find((o) => o.path === route.path && o.method === route.method.toLowerCase());

describe('openapi.yaml', () => {
  it('is OpenAPI 3.1.x with paths', () => {
    expect(String(spec.openapi)).toMatch(/^3\.1\.\d+$/);
    expect(specOperations.length).toBeGreaterThan(0);
  });

  it("states package.json's version, the one GET /v1/health reports", () => {
    expect(deref(spec.info)?.version).toBe(pkg.version);
  });

  describe('route table → spec', () => {
    it('the route table itself has no duplicate method+path or operationId', () => {
      const seen = new Map<string, string>();
      const problems: string[] = [];
      for (const r of routes) {
        for (const key of [`route ${r.method} ${shape(r.path)}`, `operationId ${r.operationId}`]) {
          const first = seen.get(key);
          if (first) problems.push(`${label(r.method, r.path)}: same ${key} as ${first}`);
          else seen.set(key, label(r.method, r.path));
        }
      }
      expect(problems).toEqual([]);
    });

    it.each(routeCases)('%s has exactly one operation, with the same path and operationId', (name, route) => {
      const candidates = specOperations.filter((o) => o.method === route.method.toLowerCase() && shape(o.path) === shape(route.path));
      const problems: string[] = [];
      if (candidates.length !== 1) {
        problems.push(
          `${name}: ${candidates.length} operations in the spec (${candidates.map((c) => label(c.method, c.path)).join(', ') || 'none'})`,
        );
      }
      for (const c of candidates) {
        if (c.path !== route.path) problems.push(`${name}: the spec spells its path ${c.path}`);
        if (c.op.operationId !== route.operationId) {
          problems.push(`${name}: operationId is ${String(c.op.operationId)} in the spec, ${route.operationId} in the route table`);
        }
      }
      expect(problems).toEqual([]);
    });

    it.each(routeCases)('%s declares the security its access needs', (name, route) => {
      const found = findOperation(route);
      if (!found) throw new Error(`${name}: no operation in openapi.yaml`);
      const security = effectiveSecurity(found.op);
      const schemes = security.map((req) => Object.keys(req).sort().join('+') || '(none)');
      const problems: string[] = [];
      if (route.access === Access.public) {
        if (!security.every((req) => Object.keys(req).length === 0)) problems.push(`${name}: public route requires ${schemes.join(' | ')}`);
      } else if (route.access === Access.operator) {
        if (security.length === 0 || !security.every((req) => 'adminToken' in req)) {
          problems.push(`${name}: operator route must require adminToken, declares ${schemes.join(' | ') || 'nothing'}`);
        }
      } else if (security.length === 0 || !security.every((req) => 'apiKey' in req)) {
        problems.push(`${name}: ${route.access} route must require apiKey, declares ${schemes.join(' | ') || 'nothing'}`);
      }
      expect(problems).toEqual([]);
    });

    it.each(routeCases)('%s declares its path parameters and request body as the route table says', (name, route) => {
      const found = findOperation(route);
      if (!found) throw new Error(`${name}: no operation in openapi.yaml`);
      const params = [...((found.pathItem.parameters ?? []) as Json[]), ...((found.op.parameters ?? []) as Json[])]
        .map(deref)
        .filter((p): p is JsonObject => p !== undefined && p.in === 'path')
        .map((p) => String(p.name));
      const problems: string[] = [];
      const expected = templateParams(route.path);
      if ([...params].sort().join() !== [...expected].sort().join()) {
        problems.push(`${name}: path parameters [${params.join(', ')}] in the spec, [${expected.join(', ')}] in the template`);
      }
      const body = deref(found.op.requestBody);
      const declared = body === undefined ? 'none' : body.required === true ? 'required' : 'optional';
      if (declared !== route.body) problems.push(`${name}: request body is ${declared} in the spec, ${route.body} in the route table`);
      if (body && !isObject(deref(body.content)?.['application/json'])) problems.push(`${name}: request body is not application/json`);
      expect(problems).toEqual([]);
    });

    it.each(routeCases)('%s documents its success and error responses', (name, route) => {
      const found = findOperation(route);
      if (!found) throw new Error(`${name}: no operation in openapi.yaml`);
      const responses = isObject(found.op.responses) ? found.op.responses : {};
      const keyed = route.access === Access.control || route.access === Access.data;
      const required = [
        '500',
        ...(route.access === Access.public ? [] : ['401']),
        ...(keyed ? ['403', '429'] : []),
        ...(route.body === 'none' ? [] : ['400', '413', '415']),
        ...(route.path.includes('{') ? ['404'] : []),
      ];
      const problems = required.filter((s) => !(s in responses)).map((s) => `${name}: no ${s} response`);
      const successes = Object.keys(responses).filter((s) => /^2\d\d$/.test(s));
      if (successes.length === 0) problems.push(`${name}: no 2xx response`);
      for (const [status, raw] of Object.entries(responses)) {
        const response = deref(raw);
        if (!response) continue;
        const headers = isObject(response.headers) ? response.headers : {};
        const schema = deref(deref(response.content)?.['application/json'])?.schema;
        if (/^[45]\d\d$/.test(status) && !(isObject(schema) && schema.$ref === '#/components/schemas/Error')) {
          problems.push(`${name}: ${status} does not use the Error schema`);
        }
        if (status === '429' && !('Retry-After' in headers)) problems.push(`${name}: 429 without Retry-After`);
        if (keyed && /^2\d\d$/.test(status)) {
          for (const h of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) {
            if (!(h in headers)) problems.push(`${name}: ${status} without ${h}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  });

  describe('spec → route table', () => {
    it('every operation is a route of the route table, with the same operationId', () => {
      const problems = specOperations.flatMap((o) => {
        const route = routes.find((r) => r.path === o.path && r.method.toLowerCase() === o.method);
        if (!route) return [`${label(o.method, o.path)} (${String(o.op.operationId)}) is in openapi.yaml but not in the route table`];
        return o.op.operationId === route.operationId
          ? []
          : [`${label(o.method, o.path)}: operationId ${String(o.op.operationId)}, route table says ${route.operationId}`];
      });
      expect(problems).toEqual([]);
    });

    it('operationIds are unique', () => {
      const counts = new Map<string, string[]>();
      for (const o of specOperations)
        counts.set(String(o.op.operationId), [...(counts.get(String(o.op.operationId)) ?? []), label(o.method, o.path)]);
      const problems = [...counts].filter(([, where]) => where.length > 1).map(([id, where]) => `${id} is used by ${where.join(', ')}`);
      expect(problems).toEqual([]);
    });
  });

  describe('components', () => {
    it('defines the apiKey and adminToken security schemes', () => {
      const schemes = deref(deref(spec.components)?.securitySchemes);
      expect(schemes?.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }));
      expect(schemes?.adminToken).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    });

    it('every $ref resolves inside the document', () => {
      const refs: Array<{ at: string; ref: string }> = [];
      const walk = (node: Json, at: string): void => {
        if (Array.isArray(node)) {
          for (const [i, child] of node.entries()) walk(child, `${at}/${i}`);
        } else if (isObject(node)) {
          for (const [key, child] of Object.entries(node)) {
            if (key === '$ref' && typeof child === 'string') refs.push({ at, ref: child });
            else walk(child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
          }
        }
      };
      walk(spec, '#');
      expect(refs.length).toBeGreaterThan(0);
      const dangling = refs.filter(({ ref }) => pointer(ref) === undefined).map(({ at, ref }) => `${at}: ${ref}`);
      expect(dangling).toEqual([]);
    });
  });
});
