import { NotFoundError, ValidationError } from '../domain/errors';

export class AppNotFoundError extends NotFoundError {
  constructor(readonly appId: string) {
    super(`app ${appId} not found`);
  }
}

export class AppValidationError extends ValidationError {}
