/**
 * The secret box contract, run unchanged against each adapter (AES with a local key in libs/secrets/aes.test.ts;
 * KMS envelope encryption on moto_server in libs/secrets/kms.aws.test.ts). Tests only.
 */
import { isSealed, type SecretBox } from '../../../libs/secrets/port';
import { SecretOpenError } from '../../../libs/secrets/errors';

/** `box` gives the box under test; `other` a box of another key (another data directory or KMS key). */
export const describeSecretBoxContract = (adapter: string, box: () => SecretBox, other: () => SecretBox): void => {
  describe(`secret box contract: ${adapter}`, () => {
    it('round-trips any text, sealed as a marked value that holds none of it in clear', async () => {
      for (const secret of ['whsec_c2VjcmV0c2VjcmV0', 'Bearer sk-live-0123456789', '', 'é✓ '.repeat(100)]) {
        const sealed = await box().seal(secret, 'ten_a/app_a');
        expect(isSealed(sealed)).toBe(true);
        if (secret.length > 3) expect(sealed).not.toContain(secret);
        expect(await box().open(sealed, 'ten_a/app_a')).toBe(secret);
      }
    });

    it('seals the same secret differently each time', async () => {
      const [a, b] = [await box().seal('s', 'c'), await box().seal('s', 'c')];
      expect(a).not.toBe(b);
    });

    it('opens a value only within the context it was sealed for, and only with its key', async () => {
      const sealed = await box().seal('s', 'ten_a/app_a');
      await expect(box().open(sealed, 'ten_a/app_b')).rejects.toThrow(SecretOpenError);
      // Another key refuses (KMS: the service refuses to unwrap it for this key, with its own error).
      await expect(other().open(sealed, 'ten_a/app_a')).rejects.toThrow();
    });

    it('refuses an altered value', async () => {
      const sealed = await box().seal('secret', 'c');
      const last = sealed.at(-2) === 'A' ? 'B' : 'A';
      await expect(box().open(`${sealed.slice(0, -2)}${last}${sealed.at(-1)}`, 'c')).rejects.toThrow(SecretOpenError);
    });
  });
};
