import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { LRUCache } from 'lru-cache';
import { SecretOpenError, SecretsError } from './errors';
import { gcmOpen, gcmSeal } from './gcm';
import { sealedPrefix, type SecretBox } from './port';

/** Options of the KMS secret box. */
export interface KmsSecretBoxOptions {
  client: KMSClient;
  /** The KMS key that wraps the data keys (`PUNCTUAL_SECRETS_KMS_KEY_ID`); undefined: sealing fails, naming the setting. */
  keyId: string | undefined;
  /** @default 1_000 data keys of other containers kept unwrapped; the least recently used go first */
  openedKeys?: number;
}

const scheme = `${sealedPrefix}kms1:`;
/** Bound to every data key: a key wrapped for something else does not unwrap as ours (and CloudTrail shows what for). */
const encryptionContext = { purpose: 'punctual-app-secrets' };

/** KMS errors saying the wrapped key is not one this key (and context) can unwrap: retrying cannot help. */
const refusedBlob: ReadonlySet<string> = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/** A data key: the plaintext AES key and its KMS-wrapped form, stored beside every value it seals. */
interface DataKey {
  plaintext: Buffer;
  wrapped: string;
}

/**
 * Envelope encryption with KMS (the AWS runtime): one data key per container (`GenerateDataKey`, on the
 * first seal), AES-256-GCM per value, and the wrapped data key stored with the value:
 * `enc:kms1:<wrapped data key>:<iv>:<ciphertext+tag>`. Opening unwraps a data key once (`Decrypt`) and
 * keeps it. So a container makes one KMS call to seal and one per data key to open, not one per secret;
 * a function that only seals needs `kms:GenerateDataKey`, one that only opens `kms:Decrypt`.
 */
export class KmsSecretBox implements SecretBox {
  private current?: Promise<DataKey>;
  private readonly opened: LRUCache<string, Buffer>;

  constructor(private readonly o: KmsSecretBoxOptions) {
    this.opened = new LRUCache({
      max: o.openedKeys ?? 1_000,
      fetchMethod: async (wrapped) => this.unwrap(wrapped),
    });
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const key = await this.dataKey();
    return `${scheme}${key.wrapped}:${gcmSeal(key.plaintext, plaintext, context)}`;
  }

  async open(sealed: string, context: string): Promise<string> {
    if (!sealed.startsWith(scheme)) throw new SecretOpenError('not a secret sealed with KMS');
    const rest = sealed.slice(scheme.length);
    const at = rest.indexOf(':');
    if (at <= 0) throw new SecretOpenError('a sealed secret is malformed');
    const key = await this.opened.fetch(rest.slice(0, at));
    return gcmOpen(key!, rest.slice(at + 1), context);
  }

  /** This container's data key; a failed request is not kept, so the next seal asks again. */
  private dataKey(): Promise<DataKey> {
    if (!this.current) {
      const keyId = this.o.keyId;
      if (!keyId) return Promise.reject(new SecretsError('PUNCTUAL_SECRETS_KMS_KEY_ID is not set: secrets cannot be sealed'));
      this.current = this.o.client
        .send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext }))
        .then((r) => {
          if (!r.Plaintext || !r.CiphertextBlob) throw new SecretsError('KMS returned no data key');
          const plaintext = Buffer.from(r.Plaintext);
          const wrapped = Buffer.from(r.CiphertextBlob).toString('base64url');
          this.opened.set(wrapped, plaintext);
          return { plaintext, wrapped };
        });
      this.current.catch(() => {
        this.current = undefined;
      });
    }
    return this.current;
  }

  /** Unwraps a data key; KMS's refusals of the blob itself become `SecretOpenError`, anything else (throttling, network) passes. */
  private async unwrap(wrapped: string): Promise<Buffer> {
    let plaintext: Uint8Array | undefined;
    try {
      ({ Plaintext: plaintext } = await this.o.client.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from(wrapped, 'base64url'),
          EncryptionContext: encryptionContext,
          ...(this.o.keyId ? { KeyId: this.o.keyId } : {}),
        }),
      ));
    } catch (err) {
      if (refusedBlob.has((err as Error).name)) throw new SecretOpenError('KMS refused to unwrap a data key', { cause: err });
      throw err;
    }
    if (!plaintext) throw new SecretOpenError('KMS returned no plaintext data key');
    return Buffer.from(plaintext);
  }
}
