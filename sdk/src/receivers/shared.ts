import { WebhookVerificationError, type WebhookSecret } from '../webhooks/verify.js';

/** What every receiver adapter takes. */
export interface WebhookOptions {
  /** The app's signing secret (`whsec_…`), or both secrets while a rotation is under way. */
  secret: WebhookSecret;
}

/** Options of the adapters that read the request stream themselves (Node `http`, Express). */
export interface StreamWebhookOptions extends WebhookOptions {
  /** Larger bodies are refused with 413 (punctual's payload limit is 256 KiB). @default 1048576 */
  maxBodyBytes?: number;
}

/** Option values used when the caller gives none. */
export const defaults = { maxBodyBytes: 1024 * 1024 } as const;

/** The error body punctual itself uses, so a refused delivery reads the same in the attempt log. */
export interface RefusalBody {
  error: 'unauthorized' | 'payload_too_large' | 'internal';
  message: string;
}

/** The 401 body for a delivery that failed verification; anything else is rethrown to the framework. */
export const refusal = (err: unknown): RefusalBody => {
  if (err instanceof WebhookVerificationError) return { error: 'unauthorized', message: err.message };
  throw err;
};
