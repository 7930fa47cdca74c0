import { createHmac } from 'node:crypto';
import { gcmOpen, gcmSeal, keyBytes } from './gcm';
import { SecretOpenError } from './errors';
import { sealedPrefix, type SecretBox } from './port';

const scheme = `${sealedPrefix}v1:`;

/**
 * A key's fingerprint: recorded beside the data it sealed, so a start with another key is refused at once
 * rather than at the first delivery. An HMAC of a constant: it tells nothing about the key.
 */
export const keyFingerprint = (key: Buffer): string => createHmac('sha256', key).update('punctual secrets key').digest('hex').slice(0, 16);

/**
 * Secrets sealed with one AES-256-GCM key (the embedded runtime's, from `PUNCTUAL_SECRETS_KEY` or the data
 * directory's key file): `enc:v1:<fingerprint>:<iv>:<ciphertext+tag>`.
 */
export class AesSecretBox implements SecretBox {
  readonly fingerprint: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== keyBytes) throw new RangeError(`a secrets key is ${keyBytes} bytes`);
    this.fingerprint = keyFingerprint(key);
  }

  async seal(plaintext: string, context: string): Promise<string> {
    return `${scheme}${this.fingerprint}:${gcmSeal(this.key, plaintext, context)}`;
  }

  async open(sealed: string, context: string): Promise<string> {
    if (!sealed.startsWith(scheme)) throw new SecretOpenError('not a secret sealed by this runtime');
    const rest = sealed.slice(scheme.length);
    const at = rest.indexOf(':');
    if (rest.slice(0, at) !== this.fingerprint) throw new SecretOpenError('a secret was sealed with another key');
    return gcmOpen(this.key, rest.slice(at + 1), context);
  }
}
