/** The answer to an attempt, as kept for the message's result: its safe headers and up to `maxResultBodyBytes` of body. */
export interface DeliveryResponse {
  headers?: Record<string, string>;
  body?: Buffer;
  /** The body went on past what was read. */
  truncated?: boolean;
}

/**
 * What one delivery attempt came to, as the engine acts on it: `success` (done), `retry` (back off
 * and try again, honouring `retryAfterMs`) or `permanent` (fail now). The delivery adapters
 * (libs/delivery) classify their transport's answers into it.
 */
export type DeliveryOutcome =
  | { kind: 'success'; statusCode: number; durationMs: number; responseBody?: string; response?: DeliveryResponse }
  | {
      kind: 'retry';
      statusCode?: number;
      error?: string;
      retryAfterMs?: number;
      durationMs: number;
      responseBody?: string;
      response?: DeliveryResponse;
      /** The attempt ran out of time without an answer (the engine's circuit breaker counts these). */
      timedOut?: boolean;
    }
  | { kind: 'permanent'; statusCode?: number; error?: string; durationMs: number; responseBody?: string; response?: DeliveryResponse };
