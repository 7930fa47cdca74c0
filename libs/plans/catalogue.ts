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

/** A usage plan. A missing throttle, quota or pending limit means no such limit. */
export interface Plan {
  throttle?: Throttle;
  quota?: Quota;
  /** Most messages a key may have `scheduled` at once. */
  maxPendingMessages?: number;
}

export type PlanCatalogue = Readonly<Record<string, Plan>>;

/** @default the plan catalogue; `PUNCTUAL_PLANS_FILE` merges over it. */
export const defaultPlans: PlanCatalogue = {
  free: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1_000, period: 'DAY' }, maxPendingMessages: 1_000 },
  pro: { throttle: { rateLimit: 100, burstLimit: 200 }, quota: { limit: 1_000_000, period: 'MONTH' }, maxPendingMessages: 1_000_000 },
  unlimited: {},
};

/** @default plan of a new tenant */
export const defaultPlanName = 'free';

const planFileSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'plan names are lowercase letters, digits, - and _'),
  z.strictObject({
    throttle: z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().min(1) }).optional(),
    quota: z.strictObject({ limit: z.number().int().min(0), period: z.enum(['DAY', 'WEEK', 'MONTH']) }).optional(),
    maxPendingMessages: z.number().int().min(0).optional(),
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
