/** Structured logging: one JSON object per line. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;

/** Field names whose values are never written, at any depth. */
const secretField = /(key|secret|token|authorization|password|headers?|signature|cookie)$/i;

/**
 * Values that look like one of our credentials, wherever they appear (an error message, a URL):
 * signing secrets (`whsec_`), API keys (`pk_`), admin tokens (`pat_`) and bearer credentials.
 */
const secretValue = /\b(?:whsec_[A-Za-z0-9+/=]{8,}|pk_[A-Za-z0-9_-]{16,}|pat_[A-Za-z0-9_-]{16,})|(?<=\bBearer\s+)[^\s"',;]+/g;

/** Depth past which nested values are summarised rather than walked. */
const maxDepth = 6;

/** Replaces credential-looking substrings (see `secretValue`). */
export const scrub = (s: string): string => s.replace(secretValue, '[redacted]');

const redactValue = (v: unknown, depth: number): unknown => {
  if (typeof v === 'string') return scrub(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= maxDepth) return '[nested]';
  if (v instanceof Error) {
    const code = (v as NodeJS.ErrnoException).code;
    return {
      name: v.name,
      message: scrub(v.message),
      ...(code !== undefined ? { code } : {}),
      ...(v.cause !== undefined ? { cause: redactValue(v.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redactValue(x, depth + 1));
  return redactFields(v as Record<string, unknown>, depth + 1);
};

/**
 * The fields with secret-named fields and credential-looking values redacted, at any depth
 * (shared with libs/observability/powertools.ts).
 */
export const redactFields = (fields: Record<string, unknown>, depth = 0): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (secretField.test(k) && !/Id$/.test(k)) out[k] = '[redacted]';
    else out[k] = redactValue(v, depth);
  }
  return out;
};

/** A JSON-lines logger writing to `write` (stdout by default), dropping lines below `level`. */
export const createLogger = (level: LogLevel = 'info', write: (line: string) => void = (l) => process.stdout.write(l)): Logger => {
  const min = levels[level];
  const log = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (levels[lvl] < min) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: scrub(msg), ...(fields ? redactFields(fields) : {}) })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};
