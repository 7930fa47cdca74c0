/**
 * What one delivery attempt came to, as the engine acts on it: `success` (done), `retry` (back off
 * and try again, honouring `retryAfterMs`) or `permanent` (fail now). The delivery adapters
 * (libs/delivery) classify their transport's answers into it.
 */
export type DeliveryOutcome =
  | { kind: 'success'; statusCode: number; durationMs: number; responseBody?: string }
  | {
      kind: 'retry';
      statusCode?: number;
      error?: string;
      retryAfterMs?: number;
      durationMs: number;
      responseBody?: string;
      /** The attempt ran out of time without an answer (the engine's circuit breaker counts these). */
      timedOut?: boolean;
    }
  | { kind: 'permanent'; statusCode?: number; error?: string; durationMs: number; responseBody?: string };
