import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashAdminToken } from '../tenancy/operator';

/** The admin token's hash, and the token itself only when it was generated just now (to print once). */
export interface AdminToken {
  hash: string;
  generated?: string;
}

/**
 * The operator token: `PUNCTUAL_ADMIN_TOKEN` when set; otherwise one generated on first start.
 * Only its SHA-256 is written to the data directory; the value is printed once. Delete the file
 * `admin-token.sha256` to generate a new one.
 */
export const resolveAdminToken = (dataDir: string, configured?: string): AdminToken => {
  if (configured) return { hash: hashAdminToken(configured) };
  const file = join(dataDir, 'admin-token.sha256');
  if (existsSync(file)) {
    const hash = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hash)) return { hash };
  }
  const token = `pat_${randomBytes(32).toString('base64url')}`;
  const hash = hashAdminToken(token);
  writeFileSync(file, `${hash}\n`, { mode: 0o600 });
  return { hash, generated: token };
};
