/** A customer account. Every record belongs to exactly one tenant. */
export interface Tenant {
  id: string;
  name: string;
  /** Usage plan name from the plan catalogue. */
  plan: string;
  /** Identity that created it: `operator` or a Cognito `sub`. */
  owner: string;
  createdAt: number;
}
