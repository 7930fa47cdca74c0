/** Whether a tenant's keys work and its messages are delivered. */
export const TenantStatus = {
  /** Everything works. */
  active: 'active',
  /** Its keys get 403 `tenant_suspended`; its due messages wait, unattempted, until it is active again; its schedules skip runs. */
  suspended: 'suspended',
} as const;
export type TenantStatus = (typeof TenantStatus)[keyof typeof TenantStatus];

/** A customer account. Every record belongs to exactly one tenant. */
export interface Tenant {
  id: string;
  name: string;
  /** Usage plan name from the plan catalogue: its limits apply to the tenant as a whole. */
  plan: string;
  /** Identity that created it: `operator` or a Cognito `sub`. */
  owner: string;
  status: TenantStatus;
  createdAt: number;
  /** Last operator change (plan, status, name). */
  updatedAt?: number;
}
