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

/**
 * API Gateway already holds a key with this value: a create the SDK retried after its first response was lost.
 * That first key is unmapped and in no usage plan, so it cannot be used; delete it (`aws apigateway get-api-keys
 * --name-query <keyId>`, then `delete-api-key`). The issue fails and the client asks again for a fresh key.
 */
export class GatewayKeyConflictError extends Error {
  override name = 'GatewayKeyConflictError';
  constructor(
    readonly keyId: string,
    cause: unknown,
  ) {
    super(`API Gateway already has a key named "${keyId}" with this value (an orphan of a retried create); delete it`, { cause });
  }
}
