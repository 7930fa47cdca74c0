import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminTokenAuth, hashAdminToken, type OperatorAuth } from '../tenancy/operator';
import { DataDirMode } from './data-dir';

/** The file in the data directory that keeps the generated admin token's SHA-256 (never the token). */
export const adminTokenFile = 'admin-token.sha256';

/** @default how often the operator check looks at the hash file for a rotation made beside the running server */
const recheckMs = 1_000;

/** The operator token of a start. */
export interface AdminToken {
  /** The operator check; with a stored hash it picks up `npx punctual admin-token rotate` within `recheckMs`, without a restart. */
  auth: OperatorAuth;
  /** The token itself when this start generated it: print it once. */
  generated?: string;
  /**
   * Writes a generated token's hash to the data directory. Called once the server listens: a start that fails before
   * (a busy port) must not keep the hash of a token nobody was shown. A no-op otherwise.
   */
  persist(): void;
}

const newToken = (): string => `pat_${randomBytes(32).toString('base64url')}`;

const hashIn = (file: string): string | undefined => {
  try {
    const hash = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
  } catch {
    return undefined;
  }
};

/** Replaces the hash file in one step (a reader sees the old file or the new one), 0600 whatever the umask. */
const writeHash = (file: string, hash: string): void => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${hash}\n`, { mode: DataDirMode.file });
  renameSync(tmp, file);
};

/** What identifies a version of the hash file: a rename gives a new inode even within one mtime tick. */
const versionOf = (file: string): string | undefined => {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
};

/**
 * The operator check over the hash file: the hash in memory, and the file looked at again at most every `recheckMs`;
 * a new valid hash there replaces it. A file that disappears keeps the last hash (a start needs the file, a running server not).
 */
const fileAuth = (file: string, initial: string, now: () => number): OperatorAuth => {
  let current = adminTokenAuth(initial);
  let version = versionOf(file);
  let checkedAt = now();
  return {
    identify: async (token) => {
      if (now() - checkedAt >= recheckMs) {
        checkedAt = now();
        const v = versionOf(file);
        if (v !== undefined && v !== version) {
          const hash = hashIn(file);
          if (hash) current = adminTokenAuth(hash);
          version = v;
        }
      }
      return current.identify(token);
    },
  };
};

/**
 * The operator token: `PUNCTUAL_ADMIN_TOKEN` when set; otherwise the hash kept in the data directory; otherwise a new
 * token, generated now, printed by the caller and kept (as its hash) only once `persist()` runs.
 */
export const resolveAdminToken = (dataDir: string, configured?: string, now: () => number = Date.now): AdminToken => {
  if (configured) return { auth: adminTokenAuth(hashAdminToken(configured)), persist: () => undefined };
  const file = join(dataDir, adminTokenFile);
  const stored = hashIn(file);
  if (stored) return { auth: fileAuth(file, stored, now), persist: () => undefined };
  const token = newToken();
  const hash = hashAdminToken(token);
  return { auth: fileAuth(file, hash, now), generated: token, persist: () => writeHash(file, hash) };
};

/**
 * `npx punctual admin-token rotate`: a new token whose hash replaces the stored one; a running server accepts it (and
 * refuses the old one) within a second. Returns the token, to print once.
 */
export const rotateAdminToken = (dataDir: string): string => {
  const token = newToken();
  writeHash(join(dataDir, adminTokenFile), hashAdminToken(token));
  return token;
};
