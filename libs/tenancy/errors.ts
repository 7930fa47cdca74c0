import { ForbiddenScopeError, NotFoundError } from '../domain/errors';

export class TenantNotFoundError extends NotFoundError {
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} not found`);
  }
}

/** The caller's tenant is suspended by the operator: its keys are refused until it is resumed (403 `tenant_suspended`). */
export class TenantSuspendedError extends ForbiddenScopeError {
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} is suspended: its keys are refused and its deliveries wait until the operator resumes it`);
  }
}
