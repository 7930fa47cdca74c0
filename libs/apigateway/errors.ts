/** A usage plan for this key's plan does not exist (the stack and the catalogue disagree). */
export class UsagePlanMissingError extends Error {
  override name = 'UsagePlanMissingError';
  constructor(
    readonly plan: string,
    readonly usagePlanName: string,
  ) {
    super(`no API Gateway usage plan named "${usagePlanName}" for plan "${plan}"`);
  }
}
