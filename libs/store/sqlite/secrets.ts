import type Database from 'better-sqlite3';
import type { App } from '../../apps/model';

/** The fingerprint of the key that sealed this database's secrets, or undefined before anything was sealed. */
export const readSecretsFingerprint = (db: Database.Database): string | undefined =>
  (db.prepare('SELECT fingerprint FROM secrets_key WHERE id = 1').get() as { fingerprint: string } | undefined)?.fingerprint;

/** Records the fingerprint of the key that seals from now on (once: the row is never replaced). */
export const recordSecretsFingerprint = (db: Database.Database, fingerprint: string): void => {
  db.prepare('INSERT INTO secrets_key (id, fingerprint) VALUES (1, ?)').run(fingerprint);
};

/**
 * The start-up migration of a database written before encryption: every app with a secret in clear is
 * rewritten sealed, in one transaction. Run before anything reads apps (the app store caches their JSON).
 * `secure_delete` zeroes the old cells as they are replaced, and the WAL is checkpointed and truncated
 * after, so the clear values are gone from the file and the WAL alike. Returns how many apps were sealed.
 */
export const sealPlaintextApps = async (
  db: Database.Database,
  needsSealing: (app: App) => boolean,
  seal: (app: App) => Promise<App>,
): Promise<number> => {
  const rows = db.prepare('SELECT id, data FROM apps').all() as { id: string; data: string }[];
  const sealed: { id: string; data: string }[] = [];
  for (const row of rows) {
    const app = JSON.parse(row.data) as App;
    if (needsSealing(app)) sealed.push({ id: row.id, data: JSON.stringify(await seal(app)) });
  }
  if (!sealed.length) return 0;
  const update = db.prepare('UPDATE apps SET data = ? WHERE id = ?');
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    db.transaction(() => {
      for (const s of sealed) update.run(s.data, s.id);
    })();
  } finally {
    db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return sealed.length;
};
