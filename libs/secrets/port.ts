/**
 * Encryption of secrets at rest (app signing secrets, HTTP header values). Embedded: AES-256-GCM with
 * the data directory's key (aes.ts); AWS: the same with KMS data keys (kms.ts, envelope encryption).
 */
export interface SecretBox {
  /**
   * Seals a secret into text safe to store. `context` (the app's `tenantId/appId`) is bound to it: the
   * sealed text opens only with the same context, so a sealed value copied to another record is useless.
   */
  seal(plaintext: string, context: string): Promise<string>;
  /** Opens a sealed secret; throws `SecretOpenError` if it was sealed with another key or context, or was altered. */
  open(sealed: string, context: string): Promise<string>;
}

/** Every sealed value starts with this; a stored secret without it predates encryption (or a box that passes through). */
export const sealedPrefix = 'enc:';

/** Whether a stored value is sealed (rather than a plaintext secret of a database written before encryption). */
export const isSealed = (value: string): boolean => value.startsWith(sealedPrefix);
