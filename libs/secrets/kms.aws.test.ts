/** The KMS secret box against moto_server's KMS: envelope encryption, one data key per container. */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { describeSecretBoxContract } from '../../test/support/contracts/secrets';
import { type Moto, startMoto } from '../../test/support/moto';
import { SecretOpenError } from './errors';
import { KmsSecretBox } from './kms';

let moto: Moto;
let kms: KMSClient;
let keyId: string;
let otherKeyId: string;
/** KMS operations sent, by name (a middleware on the client counts them). */
const calls: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  kms = new KMSClient(moto.clientConfig);
  kms.middlewareStack.add((next, context) => (args) => {
    calls.push(context.commandName as string);
    return next(args);
  });
  keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  otherKeyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
}, 60_000);

afterAll(async () => {
  kms?.destroy();
  await moto?.stop();
});

beforeEach(() => {
  calls.length = 0;
});

describe('KmsSecretBox', () => {
  it('seals with one data key per container and opens in another container with one Decrypt per data key', async () => {
    const writer = new KmsSecretBox({ client: kms, keyId });
    const sealed = [await writer.seal('whsec_one', 'ten_a/app_a'), await writer.seal('Bearer two', 'ten_a/app_a')];
    expect(calls).toEqual(['GenerateDataKeyCommand']);
    for (const s of sealed) {
      expect(s).toMatch(/^enc:kms1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
      expect(s).not.toContain('one');
    }
    expect(await writer.open(sealed[0], 'ten_a/app_a')).toBe('whsec_one');
    expect(calls).toEqual(['GenerateDataKeyCommand']); // its own data key is known unwrapped

    const reader = new KmsSecretBox({ client: kms, keyId });
    expect(await reader.open(sealed[0], 'ten_a/app_a')).toBe('whsec_one');
    expect(await reader.open(sealed[1], 'ten_a/app_a')).toBe('Bearer two');
    expect(calls).toEqual(['GenerateDataKeyCommand', 'DecryptCommand']);
  });

  it('opens only within the sealed context, and refuses an altered wrapped key', async () => {
    const box = new KmsSecretBox({ client: kms, keyId });
    const sealed = await box.seal('v', 'ten_a/app_a');
    await expect(new KmsSecretBox({ client: kms, keyId }).open(sealed, 'ten_b/app_a')).rejects.toThrow(SecretOpenError);
    const parts = sealed.split(':');
    parts[2] = Buffer.from('not a wrapped key').toString('base64url');
    await expect(new KmsSecretBox({ client: kms, keyId }).open(parts.join(':'), 'ten_a/app_a')).rejects.toThrow(SecretOpenError);
  });

  it('names the missing setting when it has no key, and asks KMS again after a failure', async () => {
    await expect(new KmsSecretBox({ client: kms, keyId: undefined }).seal('v', 'c')).rejects.toThrow(
      /PUNCTUAL_SECRETS_KMS_KEY_ID is not set/,
    );
    const box = new KmsSecretBox({ client: kms, keyId: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000' });
    await expect(box.seal('v', 'c')).rejects.toThrow();
    await expect(box.seal('v', 'c')).rejects.toThrow();
    expect(calls).toEqual(['GenerateDataKeyCommand', 'GenerateDataKeyCommand']);
  });
});

describeSecretBoxContract(
  'KMS envelope encryption (moto_server)',
  () => new KmsSecretBox({ client: kms, keyId }),
  () => new KmsSecretBox({ client: kms, keyId: otherKeyId }),
);
