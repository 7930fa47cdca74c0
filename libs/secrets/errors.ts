/**
 * Errors of the secrets area. The key errors stop a start (libs/runtime/start-errors.ts: exit 3) with
 * one line naming what to do; none of them ever carries a secret or a key.
 */

/** Base class of the area's errors. */
export class SecretsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A sealed secret cannot be opened: another key, another context, or altered bytes. */
export class SecretOpenError extends SecretsError {}

/** The data directory holds sealed secrets but its key is nowhere: neither `PUNCTUAL_SECRETS_KEY` nor the key file. */
export class SecretsKeyMissingError extends SecretsError {}

/** The key given does not open this data directory's secrets (its fingerprint differs from the one recorded). */
export class SecretsKeyMismatchError extends SecretsError {}
