import { InvalidExpressionError } from '../errors';

/** An InvalidExpressionError whose single issue, on `expression`, repeats the message. */
export const invalidExpression = (message: string): InvalidExpressionError =>
  new InvalidExpressionError(message, [{ path: 'expression', issue: message }]);
