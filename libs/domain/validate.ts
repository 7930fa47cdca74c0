import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors';

/** Turns zod issues into our field issues (`items.3.sendAt: ...`). */
export const toFieldIssues = (error: z.ZodError, prefix = ''): FieldIssue[] =>
  error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    issue: i.message,
  }));

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

/** Parses `value` with `schema` or throws a ValidationError naming every bad field. */
export const parseInput = <S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> => {
  const fast = fastPaths.get(schema)?.(value);
  if (fast !== undefined) return fast as z.output<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error, prefix);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ValidationError(`${first.path}: ${first.issue}${more}`, issues);
};

/** RFC 3339 date-time with a zone designator (`Z` or `±hh:mm`). */
export const rfc3339 = () =>
  z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a timezone, e.g. 2027-01-31T09:00:00Z' });

const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/;
// CR, LF and NUL would split or cut the header line.
const headerValue = /^[^\r\n\0]{0,8192}$/;
/** Header names that are ours (or the transport's) and cannot be set by a client. */
export const reservedHeader = /^(webhook-|punctual-|content-type$|content-length$|host$|connection$|transfer-encoding$)/i;

/** Custom request headers: at most 50, token names, no line breaks, not our reserved names. */
export const headersSchema = z
  .record(z.string(), z.string())
  .refine((h) => Object.keys(h).length <= 50, 'at most 50 headers')
  .superRefine((h, ctx) => {
    for (const [name, value] of Object.entries(h)) {
      if (!headerName.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a valid header name' });
      else if (reservedHeader.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'this header is set by punctual and cannot be overridden' });
      else if (!headerValue.test(value))
        ctx.addIssue({ code: 'custom', path: [name], message: 'header values must be at most 8 KiB without line breaks' });
    }
  });
