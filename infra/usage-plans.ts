import type { PlanCatalogue } from '../libs/plans/catalogue';

/** One API Gateway usage plan per catalogue plan, in osls's `provider.apiGateway.usagePlan` form. */
export const usagePlans = (
  plans: PlanCatalogue,
): Record<string, { throttle?: { rateLimit: number; burstLimit: number }; quota?: { limit: number; period: string } }>[] =>
  Object.entries(plans).map(([name, plan]) => ({
    [name]: {
      ...(plan.throttle ? { throttle: { rateLimit: plan.throttle.rateLimit, burstLimit: plan.throttle.burstLimit } } : {}),
      ...(plan.quota ? { quota: { limit: plan.quota.limit, period: plan.quota.period } } : {}),
    },
  }));
