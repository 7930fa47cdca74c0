/**
 * Lambda event filtering as a stream event source applies it (tests only): a record reaches the function when it
 * matches one of the patterns. The subset the stack's patterns use (infra/engine.ts): nested objects, arrays of
 * allowed values, and `{ exists: true | false }` on a leaf.
 */

/** Whether `value` matches one pattern node. */
const matches = (pattern: unknown, value: unknown): boolean => {
  if (Array.isArray(pattern))
    return pattern.some((allowed) =>
      allowed !== null && typeof allowed === 'object' && 'exists' in allowed
        ? (allowed as { exists: boolean }).exists === (value !== undefined)
        : allowed === value,
    );
  if (pattern && typeof pattern === 'object')
    return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown> | undefined)?.[k]));
  return pattern === value;
};

/** Whether a stream record passes a function's filter patterns (no patterns: every record does). */
export const passesFilters = (patterns: readonly unknown[], record: unknown): boolean =>
  patterns.length === 0 || patterns.some((p) => matches(p, record));
