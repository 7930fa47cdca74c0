/** Request bodies as JSON text: parsed with the API's errors, for HTTP (libs/http/api.ts) and for ingestion (libs/ingest). */
import { InvalidJsonError, PayloadTooLargeError, ValidationError } from '../domain/errors';
import { maxPayloadBytes } from '../messages/model';
import { maxJsonDepth, nestsDeeperThan } from './json-depth';
import { jsonSyntaxProblem } from './json-text';

/** The parsed body; a malformed one is `invalid_json` saying where (line, column, offset) and what was expected. */
export const parseBody = (text: string): unknown => {
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    const at = jsonSyntaxProblem(text) ?? { offset: 0, line: 1, column: 1, issue: 'not valid JSON' };
    const where = `line ${at.line}, column ${at.column}`;
    throw new InvalidJsonError(`the request body is not valid JSON: ${where}: ${at.issue}`, {
      details: [{ path: '(body)', issue: `${where}: ${at.issue}` }],
      fields: { position: { offset: at.offset, line: at.line, column: at.column } },
    });
  }
};

/**
 * A request body that arrived without HTTP (SNS/SQS ingestion, libs/ingest): the same size, nesting and syntax checks
 * and the same errors as a body over HTTP; its text stays the payloads' source.
 */
export const parseJsonBody = (text: string): unknown => {
  if (text === '') throw new ValidationError('a JSON request body is required', [{ path: '(body)', issue: 'required' }]);
  if (Buffer.byteLength(text, 'utf8') > maxPayloadBytes)
    throw new PayloadTooLargeError(`request body is over ${maxPayloadBytes / 1024} KiB`);
  if (nestsDeeperThan(text)) {
    throw new ValidationError(`the JSON body nests arrays and objects deeper than ${maxJsonDepth} levels`, [
      { path: '(body)', issue: `nested deeper than ${maxJsonDepth} levels` },
    ]);
  }
  return parseBody(text);
};
