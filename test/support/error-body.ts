import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The shared assertion on error bodies: a body is exactly what openapi.yaml's `Error` schema allows (required fields,
 * codes from ErrorCode, `details` an array of `{ path, issue }`, no undocumented field). A small validator of the JSON
 * Schema keywords the spec's schemas use. `e2e/support/validate-errors.ts` applies it to every error the e2e suite
 * sees, `chaos/fuzz.ts` to every error a fuzzed request gets. Tests only.
 */

type Schema = { [keyword: string]: unknown };

const spec = parse(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as Schema;

const resolve = (schema: Schema): Schema => {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string' && hops < 20; hops++) {
    let node: unknown = spec;
    for (const part of (s.$ref as string).replace(/^#\//, '').split('/')) node = (node as Schema)[part];
    if (!node) throw new Error(`openapi.yaml: dangling $ref ${s.$ref as string}`);
    s = node as Schema;
  }
  return s;
};

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v;

const fits = (type: string, v: unknown): boolean => type === typeOf(v) || (type === 'number' && typeOf(v) === 'integer');

/** Every way `value` breaks `schema`, each as `<path>: <why>`. */
const problems = (schema: Schema, value: unknown, path: string, out: string[]): void => {
  const s = resolve(schema);
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  if (types.length && !types.some((t) => fits(t, value))) {
    out.push(`${path}: is ${typeOf(value)}, not ${types.join(' or ')}`);
    return;
  }
  if (s.enum && !(s.enum as unknown[]).includes(value))
    out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && s.const !== value) out.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (typeof value === 'number' && typeof s.minimum === 'number' && value < s.minimum) out.push(`${path}: below ${s.minimum}`);
  if (typeof value === 'number' && typeof s.maximum === 'number' && value > s.maximum) out.push(`${path}: above ${s.maximum}`);
  if (typeof value === 'string' && s.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${path}: not a date-time`);
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) out.push(`${path}: fewer than ${s.minItems} items`);
    if (s.items) for (const [i, item] of value.entries()) problems(s.items as Schema, item, `${path}[${i}]`, out);
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const name of (s.required ?? []) as string[]) if (!(name in obj)) out.push(`${path}: ${name} is missing`);
    for (const [name, v] of Object.entries(obj)) {
      if (properties[name]) problems(properties[name], v, `${path}.${name}`, out);
      else if (s.additionalProperties === false) out.push(`${path}: ${name} is not in the spec`);
      else if (typeof s.additionalProperties === 'object') problems(s.additionalProperties as Schema, v, `${path}.${name}`, out);
    }
  }
};

const errorSchema: Schema = { $ref: '#/components/schemas/Error' };

/** How `body` breaks openapi.yaml's Error schema; empty when it is a valid error body. */
export const errorBodyProblems = (body: unknown): string[] => {
  const out: string[] = [];
  problems(errorSchema, body, 'body', out);
  return out;
};

/** Throws, naming every problem, unless `body` is a valid error body (openapi.yaml's Error). */
export const expectErrorBody = (body: unknown, what = 'error body'): void => {
  const found = errorBodyProblems(body);
  if (found.length) throw new Error(`${what} breaks openapi.yaml's Error schema:\n  ${found.join('\n  ')}\n${JSON.stringify(body)}`);
};
