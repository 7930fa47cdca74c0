import { hasPlainSecrets, sealApp } from '../apps/secrets';
import type { Logger } from '../observability/logger';
import type { AesSecretBox } from '../secrets/aes';
import { openSecretsKey } from '../secrets/key-file';
import type { SqliteStores } from '../store/sqlite';
import { readSecretsFingerprint, recordSecretsFingerprint, sealPlaintextApps } from '../store/sqlite/secrets';

/**
 * The embedded runtime's secret box: the data directory's key (`PUNCTUAL_SECRETS_KEY`, the key file, or
 * a new one while nothing is sealed yet), checked against the fingerprint the database recorded; then the
 * apps of a database written before encryption are sealed. Throws a SecretsKey*Error (one line, exit 3)
 * when the key is missing or another one. Never logs the key.
 */
export const openLocalSecrets = async (
  dataDir: string,
  envKey: Buffer | undefined,
  stores: SqliteStores,
  logger: Logger,
): Promise<AesSecretBox> => {
  const recorded = readSecretsFingerprint(stores.db);
  const { box, generatedFile } = openSecretsKey({ dataDir, ...(envKey ? { envKey } : {}), recorded });
  if (generatedFile)
    logger.info("generated the key that seals apps' secrets; back it up with the database, which is unreadable without it", {
      file: generatedFile,
    });
  if (recorded === undefined) recordSecretsFingerprint(stores.db, box.fingerprint);
  const sealed = await sealPlaintextApps(stores.db, hasPlainSecrets, (app) => sealApp(box, app));
  if (sealed) logger.info('sealed the secrets of apps stored before encryption', { apps: sealed });
  return box;
};
