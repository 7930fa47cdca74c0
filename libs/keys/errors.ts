import { ForbiddenScopeError, NotFoundError, UnauthorizedError } from '../domain/errors';

export class KeyNotFoundError extends NotFoundError {
  constructor(readonly keyId: string) {
    super(`key ${keyId} not found`);
  }
}

export class InvalidKeyError extends UnauthorizedError {
  constructor() {
    super('missing, unknown or revoked API key: send a valid key in the x-api-key header');
  }
}

export class KeyScopeError extends ForbiddenScopeError {}
