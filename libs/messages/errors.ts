import { ConflictError, NotFoundError } from '../domain/errors';

export class MessageNotFoundError extends NotFoundError {
  constructor(readonly messageId: string) {
    super(`message ${messageId} not found`);
  }
}

/** A transition was asked from a state that does not allow it (e.g. abort of a delivered message). */
export class MessageStateConflictError extends ConflictError {
  constructor(
    readonly messageId: string,
    readonly status: string,
    action: string,
  ) {
    super(`cannot ${action} message ${messageId}: it is ${status}`, { fields: { current: { status } } });
  }
}

/** A redrive of a message whose app was deleted: the deletion aborted it for good (there is no target to deliver to). */
export class MessageAppDeletedError extends ConflictError {
  constructor(
    readonly messageId: string,
    status: string,
  ) {
    super(`cannot redrive message ${messageId}: its app was deleted, which aborted its pending messages for good`, {
      fields: { current: { status, appDeleted: true } },
    });
  }
}

/** A redrive of a message that has already made the most attempts a message may make in its life. */
export class MessageAttemptsExhaustedError extends ConflictError {
  constructor(
    readonly messageId: string,
    readonly attempts: number,
  ) {
    super(
      `cannot redrive message ${messageId}: it has made ${attempts} attempts, the most one message may make; create a new message instead`,
    );
  }
}
