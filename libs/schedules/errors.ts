import { ConflictError, InvalidExpressionError, NotFoundError, ValidationError } from '../domain/errors';

/** No such schedule for this tenant (another tenant's id answers the same). */
export class ScheduleNotFoundError extends NotFoundError {
  constructor(readonly scheduleId: string) {
    super(`schedule ${scheduleId} not found`);
  }
}

/** An operation the schedule's state does not allow (e.g. resume of a completed schedule). */
export class ScheduleStateConflictError extends ConflictError {
  constructor(
    readonly scheduleId: string,
    readonly state: string,
    action: string,
    why = '',
  ) {
    super(`cannot ${action} schedule ${scheduleId}: it is ${state}${why ? `; ${why}` : ''}`, { fields: { current: { state } } });
  }
}

/** The schedule kept changing underneath a read-modify-write; the client may retry. */
export class ScheduleChangedError extends ConflictError {
  constructor(readonly scheduleId: string) {
    super(`schedule ${scheduleId} changed while it was being updated; retry the request`);
  }
}

/** A field of a schedule request is invalid (which field, why). */
export class ScheduleValidationError extends ValidationError {
  constructor(path: string, issue: string) {
    super(`${path}: ${issue}`, [{ path, issue }]);
  }
}

/** The expression can never run as asked (e.g. an at() in the past). */
export class ScheduleExpressionError extends InvalidExpressionError {
  constructor(issue: string) {
    super(issue, [{ path: 'expression', issue }]);
  }
}
