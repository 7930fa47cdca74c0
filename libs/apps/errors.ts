import { NotFoundError } from '../domain/errors';

export class AppNotFoundError extends NotFoundError {
  constructor(readonly appId: string) {
    super(`app ${appId} not found`);
  }
}
