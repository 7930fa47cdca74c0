import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretOpenError } from './errors';

/** AES-256-GCM: 32-byte keys, a fresh 12-byte IV per value, a 16-byte tag appended to the ciphertext. */
export const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;

/** `iv:ciphertext+tag`, base64url, with `aad` authenticated but not stored. */
export const gcmSeal = (key: Buffer, plaintext: string, aad: string): string => {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${iv.toString('base64url')}:${data.toString('base64url')}`;
};

/** The plaintext of `gcmSeal`'s output; throws `SecretOpenError` for another key or `aad`, or altered bytes. */
export const gcmOpen = (key: Buffer, sealed: string, aad: string): string => {
  const [ivText, dataText, ...rest] = sealed.split(':');
  const iv = Buffer.from(ivText ?? '', 'base64url');
  const data = Buffer.from(dataText ?? '', 'base64url');
  if (rest.length || iv.length !== ivBytes || data.length < tagBytes) throw new SecretOpenError('a sealed secret is malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - tagBytes)), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SecretOpenError('a sealed secret does not open with this key (another key, another record, or altered)', { cause: err });
  }
};
