import { NotImplementedError } from '../../../../libs/domain/errors';
import { api } from '../../../../libs/http/api';

/**
 * GET /v1/events as a Lambda: REST API Gateway buffers a whole response and holds no stream, so this answers 501 after
 * the key is checked. The embedded gateway never calls it: it serves the stream itself (libs/gateway/events.ts).
 */
export const handler = api('streamEvents', async () => {
  throw new NotImplementedError(
    'live events (Server-Sent Events) are served by the embedded runtime only: REST API Gateway cannot hold a stream; ' +
      'poll GET /v1/messages instead',
  );
});
