import { z } from 'zod';
import { closest } from './closest';
import { ValidationError, type FieldIssue } from './errors';
import { headerIssue, maxCustomHeaders } from './headers';

/** Where a parsed value came from: it names the root of its issues (`(body)`, `(query)`) and words unknown keys. */
export type InputSource = 'body' | 'query';

/** A field absent from the input says so in one word, whatever type it should have had. */
const requiredMessage: z.core.$ZodErrorMap = (iss) =>
  iss.input === undefined && (iss.code === 'invalid_type' || iss.code === 'invalid_union') ? 'required' : undefined;

/** The field names an object schema takes, for "did you mean" (none for other schemas). */
const keysOf = (schema: z.ZodType | undefined): string[] =>
  schema instanceof z.ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];

/** The issue of an unknown key, with the closest known name when one is near. */
const unknownKey = (key: string, source: InputSource, known: string[]): string => {
  const near = closest(key, known);
  return `unknown ${source === 'query' ? 'query parameter' : 'field'}${near ? `; did you mean ${near}?` : ''}`;
};

/**
 * Turns zod issues into our field issues (`items.3.sendAt: ...`): one per unknown key, named by its own path; an issue
 * of the whole input is named `(body)` or `(query)`. `schema` (the parsed one) lets an unknown top-level key suggest a
 * known one.
 */
export const toFieldIssues = (error: z.ZodError, prefix = '', source: InputSource = 'body', schema?: z.ZodType): FieldIssue[] =>
  error.issues.flatMap((i) => {
    const path = [prefix, ...i.path.map(String)].filter(Boolean);
    if (i.code === 'unrecognized_keys') {
      const known = i.path.length === 0 ? keysOf(schema) : [];
      return i.keys.map((k) => ({ path: [...path, k].join('.'), issue: unknownKey(k, source, known) }));
    }
    return [{ path: path.join('.') || `(${source})`, issue: i.message }];
  });

/**
 * Hand-written checks for hot schemas: each returns the parsed value when it can tell that `value`
 * is valid (and what zod would output, as far as callers can see), or `undefined` to let zod decide
 * (every invalid input, and anything unusual, so errors stay zod's).
 */
const fastPaths = new WeakMap<z.ZodType, (value: unknown) => unknown>();

/** Registers a fast path for `schema` (see `fastPaths`). */
export const setFastPath = <S extends z.ZodType>(schema: S, parse: (value: unknown) => z.output<S> | undefined): void => {
  fastPaths.set(schema, parse);
};

/**
 * Parses `value` with `schema` or throws a ValidationError naming every bad field. `prefix` is the dotted path of
 * `value` in the body (`items.3`); `source` says where it came from (the query string's parameters, or the body).
 */
export const parseInput = <S extends z.ZodType>(schema: S, value: unknown, prefix = '', source: InputSource = 'body'): z.output<S> => {
  const fast = fastPaths.get(schema)?.(value);
  if (fast !== undefined) return fast as z.output<S>;
  const result = schema.safeParse(value, { error: requiredMessage });
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error, prefix, source, schema);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const where = source === 'query' && !first.path.startsWith('(') ? 'query parameter ' : '';
  throw new ValidationError(`${where}${first.path}: ${first.issue}${more}`, issues);
};

/** RFC 3339 date-time with a zone designator (`Z` or `±hh:mm`). */
export const rfc3339 = () =>
  z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a timezone, e.g. 2027-01-31T09:00:00Z' });

/** Custom request headers: at most 50, each name once (whatever its case), each header by the one rule of `./headers`. */
export const headersSchema = z
  .record(z.string(), z.string())
  .refine((h) => Object.keys(h).length <= maxCustomHeaders, `at most ${maxCustomHeaders} headers`)
  .superRefine((h, ctx) => {
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(h)) {
      const issue = headerIssue(name, value);
      if (issue) ctx.addIssue({ code: 'custom', path: [name], message: issue });
      else if (seen.has(name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [name], message: 'header names are case-insensitive: this one is given twice' });
      seen.add(name.toLowerCase());
    }
  });
