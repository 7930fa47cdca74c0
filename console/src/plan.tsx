import { Fragment } from 'preact';
import { ApiError, call } from './api';
import type { OwnTenant, PlanLimits } from './types';

/**
 * The signed-in tenant with its plan's limits (`GET /v1/tenants/me`, control keys), or undefined where the server has no
 * such route. A suspended tenant's 403 is thrown like any error: the page shows it, explained.
 */
export const loadOwnTenant = async (): Promise<OwnTenant | undefined> => {
  try {
    return await call<OwnTenant>('GET', '/v1/tenants/me');
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return undefined;
    throw err;
  }
};

const count = (n: number | undefined, unit: string) => (n === undefined ? 'no limit' : `${n.toLocaleString('en')} ${unit}`);

const periods: Record<string, string> = { DAY: 'day', WEEK: 'week (from Monday)', MONTH: 'month' };

/** Each limit of a plan in words, in the README's order; an absent limit is none (the two with defaults say them). */
export const limitRows = (l: PlanLimits): [label: string, value: string][] => [
  ['Throttle', l.throttle ? `${l.throttle.rateLimit}/s, burst ${l.throttle.burstLimit}` : 'no limit'],
  ['Quota', l.quota ? `${l.quota.limit.toLocaleString('en')} requests per ${periods[l.quota.period] ?? l.quota.period} (UTC)` : 'no limit'],
  ['Pending messages', count(l.maxPendingMessages, 'scheduled at once')],
  ['Live keys', count(l.maxKeys, 'keys')],
  ['Active schedules', count(l.maxActiveSchedules, 'schedules')],
  ['Delivery share', `${Math.round((l.deliveryShare ?? 1) * 100)} % of the service's concurrent deliveries`],
  ['Attempts per minute', count(l.attemptsPerMinute, 'attempts, retries included')],
  ['Retention', `${l.retentionDays ?? 30} days after a message is delivered, failed or aborted`],
];

/** The plan's name and every limit, as a definition list. */
export const PlanFacts = ({ tenant, testId = 'plan' }: { tenant: OwnTenant; testId?: string }) => (
  <dl class="facts" data-testid={testId}>
    <dt>Plan</dt>
    <dd>{tenant.plan}</dd>
    {limitRows(tenant.limits).map(([label, value]) => (
      <Fragment key={label}>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </Fragment>
    ))}
  </dl>
);
