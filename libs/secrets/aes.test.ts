import { randomBytes } from 'node:crypto';
import { describeSecretBoxContract } from '../../test/support/contracts/secrets';
import { AesSecretBox, keyFingerprint } from './aes';
import { SecretOpenError } from './errors';
import { isSealed } from './port';

const shared = new AesSecretBox(randomBytes(32));

describe('AesSecretBox', () => {
  const key = randomBytes(32);
  const box = new AesSecretBox(key);

  describe('seal / open', () => {
    it('round-trips a secret, with a fresh IV each time, and never holds it in clear', async () => {
      const a = await box.seal('whsec_c2VjcmV0', 'ten_a/app_a');
      const b = await box.seal('whsec_c2VjcmV0', 'ten_a/app_a');
      expect(a).not.toBe(b);
      expect(isSealed(a)).toBe(true);
      expect(a).toMatch(new RegExp(`^enc:v1:${box.fingerprint}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));
      expect(a).not.toContain('c2VjcmV0');
      expect(await box.open(a, 'ten_a/app_a')).toBe('whsec_c2VjcmV0');
      expect(await box.open(await box.seal('', 'x'), 'x')).toBe('');
      expect(await box.open(await box.seal('é✓', 'x'), 'x')).toBe('é✓');
    });

    it('opens only within the context it was sealed for', async () => {
      const sealed = await box.seal('v', 'ten_a/app_a');
      await expect(box.open(sealed, 'ten_a/app_b')).rejects.toThrow(SecretOpenError);
      await expect(box.open(sealed, 'ten_b/app_a')).rejects.toThrow(SecretOpenError);
    });

    it('refuses another key, altered bytes and what it did not seal', async () => {
      const sealed = await box.seal('v', 'c');
      await expect(new AesSecretBox(randomBytes(32)).open(sealed, 'c')).rejects.toThrow(/another key/);
      const parts = sealed.split(':');
      const data = Buffer.from(parts[4], 'base64url');
      data[0] ^= 1;
      parts[4] = data.toString('base64url');
      await expect(box.open(parts.join(':'), 'c')).rejects.toThrow(SecretOpenError);
      await expect(box.open('enc:kms1:abc:def:ghi', 'c')).rejects.toThrow(SecretOpenError);
      await expect(box.open(`enc:v1:${box.fingerprint}:short`, 'c')).rejects.toThrow(/malformed/);
    });
  });

  it('takes 32-byte keys only, and fingerprints them without revealing them', () => {
    expect(() => new AesSecretBox(randomBytes(16))).toThrow(RangeError);
    expect(keyFingerprint(key)).toBe(box.fingerprint);
    expect(box.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(randomBytes(32))).not.toBe(box.fingerprint);
  });
});

describeSecretBoxContract(
  'AES-256-GCM with a local key',
  () => shared,
  () => new AesSecretBox(randomBytes(32)),
);
