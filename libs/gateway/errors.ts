import { MethodNotAllowedError, NotFoundError } from '../domain/errors';

/** No route of the table (nor a docs path) answers this path. */
export class RouteNotFoundError extends NotFoundError {
  constructor(method: string, path: string) {
    super(`no route ${method} ${path}; see /docs`);
  }
}

/** The path is routed, but not for this method; `hint` says what the client most likely meant (routes.ts `methodHints`). */
export class RouteMethodNotAllowedError extends MethodNotAllowedError {
  constructor(method: string, path: string, allowed: readonly string[], hint?: string) {
    super(`${method} is not allowed on ${path}; ${hint ? `${hint}; ` : ''}use ${allowed.join(', ')}`, allowed);
  }
}
