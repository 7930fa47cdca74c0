import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Throttle of a plan, as in API Gateway usage plans. */
export interface Throttle {
  /** Steady requests per second. */
  rateLimit: number;
  /** Bucket size: requests allowed at once. */
  burstLimit: number;
}

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** Quota of a plan, as in API Gateway usage plans (UTC windows). */
export interface Quota {
  limit: number;
  period: QuotaPeriod;
}

/**
 * A usage plan. Limits apply to the tenant as a whole (the sum of its keys); a key on a lower plan of its own
 * is also held to that plan. A missing limit means no such limit, except where a default is named.
 */
export interface Plan {
  throttle?: Throttle;
  quota?: Quota;
  /** Most messages the tenant may have `scheduled` at once (schedule runs included). */
  maxPendingMessages?: number;
  /** Most live (unrevoked) keys the tenant may hold. */
  maxKeys?: number;
  /** Most `active` schedules the tenant may hold. */
  maxActiveSchedules?: number;
  /** Fraction (0–1] of the engine's in-flight delivery slots (`PUNCTUAL_MAX_IN_FLIGHT`) the tenant may hold at once. @default 1 */
  deliveryShare?: number;
  /** Most delivery attempts the tenant may start per minute (retries included); past it attempts wait. */
  attemptsPerMinute?: number;
  /** How long delivered, failed and aborted messages and their attempts are kept, in days. @default 30 */
  retentionDays?: number;
}

export type PlanCatalogue = Readonly<Record<string, Plan>>;

/**
 * @default the plan catalogue; `PUNCTUAL_PLANS_FILE` merges over it. `trial` is the quickstart's: enough to explore for a day
 * without a 429, small enough that a forgotten loop stays cheap. The README's plan table shows these values.
 */
export const defaultPlans: PlanCatalogue = {
  free: {
    throttle: { rateLimit: 10, burstLimit: 20 },
    quota: { limit: 1_000, period: 'DAY' },
    maxPendingMessages: 1_000,
    maxKeys: 5,
    maxActiveSchedules: 10,
    deliveryShare: 0.25,
    attemptsPerMinute: 600,
    retentionDays: 7,
  },
  trial: {
    throttle: { rateLimit: 50, burstLimit: 100 },
    quota: { limit: 20_000, period: 'DAY' },
    maxPendingMessages: 10_000,
    maxKeys: 10,
    maxActiveSchedules: 50,
    deliveryShare: 0.25,
    attemptsPerMinute: 3_000,
    retentionDays: 7,
  },
  pro: {
    throttle: { rateLimit: 100, burstLimit: 200 },
    quota: { limit: 1_000_000, period: 'MONTH' },
    maxPendingMessages: 1_000_000,
    maxKeys: 100,
    maxActiveSchedules: 10_000,
    deliveryShare: 0.5,
    attemptsPerMinute: 60_000,
    retentionDays: 30,
  },
  unlimited: {},
};

/** @default days a finished message and its attempts are kept when its tenant's plan names none */
export const defaultRetentionDays = 30;

/** @default plan of a new tenant */
export const defaultPlanName = 'free';

/** The plan the quickstart (`npm start`'s banner, the README) creates its tenant on. */
export const quickstartPlanName = 'trial';

const planFileSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'plan names are lowercase letters, digits, - and _'),
  z.strictObject({
    throttle: z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().min(1) }).optional(),
    quota: z.strictObject({ limit: z.number().int().min(0), period: z.enum(['DAY', 'WEEK', 'MONTH']) }).optional(),
    maxPendingMessages: z.number().int().min(0).optional(),
    maxKeys: z.number().int().min(1).optional(),
    maxActiveSchedules: z.number().int().min(0).optional(),
    deliveryShare: z.number().gt(0).max(1).optional(),
    attemptsPerMinute: z.number().int().min(1).optional(),
    retentionDays: z.number().int().min(1).max(3_650).optional(),
  }),
);

/** The catalogue: the defaults with the plans of `file` (JSON, `{"<plan>": {...}}`) merged over them. */
export const loadPlans = (file?: string): PlanCatalogue => {
  if (!file) return defaultPlans;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`PUNCTUAL_PLANS_FILE ${file}: ${(err as Error).message}`);
  }
  const parsed = planFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`PUNCTUAL_PLANS_FILE ${file}: ${i.path.join('.')}: ${i.message}`);
  }
  return { ...defaultPlans, ...parsed.data };
};

const perDay: Record<QuotaPeriod, number> = { DAY: 1, WEEK: 7, MONTH: 31 };

/**
 * Whether plan `a` is no more generous than plan `b` in every limit (a missing limit is infinite):
 * a key may override its tenant's plan only downwards.
 */
export const isPlanAtMost = (plans: PlanCatalogue, a: string, b: string): boolean => {
  const pa = plans[a];
  const pb = plans[b];
  if (!pa || !pb) return false;
  const le = (x: number | undefined, y: number | undefined) => (y === undefined ? true : x !== undefined && x <= y);
  return (
    le(pa.throttle?.rateLimit, pb.throttle?.rateLimit) &&
    le(pa.throttle?.burstLimit, pb.throttle?.burstLimit) &&
    le(pa.quota && pa.quota.limit / perDay[pa.quota.period], pb.quota && pb.quota.limit / perDay[pb.quota.period]) &&
    le(pa.maxPendingMessages, pb.maxPendingMessages)
  );
};
