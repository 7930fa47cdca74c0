import { DomainError, NotFoundError } from '../domain/errors';
import type { TargetType } from './model';

export class AppNotFoundError extends NotFoundError {
  constructor(readonly appId: string) {
    super(`app ${appId} not found`);
  }
}

/**
 * The target is valid, but this runtime cannot send to it: a setting it needs is missing (e.g.
 * `email` without `PUNCTUAL_SMTP_URL`), or the operator does not allow it (an AWS resource of the
 * deployment's own account). `reason` names the setting.
 */
export class TargetUnavailableError extends DomainError {
  constructor(
    readonly type: TargetType,
    readonly reason: string,
    readonly path = 'target.type',
  ) {
    super(`${type} targets are unavailable here: ${reason}`, { details: [{ path, issue: reason }] });
  }
}
