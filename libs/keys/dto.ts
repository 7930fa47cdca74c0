import { iso } from '../domain/clock';
import type { ApiKey } from './model';

/** The key as the API shows it: never the value, never the hash. */
export const toKeyDto = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  scope: k.scope,
  ...(k.appId ? { appId: k.appId } : {}),
  plan: k.plan,
  createdAt: iso(k.createdAt),
  ...(k.lastUsedAt !== undefined ? { lastUsedAt: iso(k.lastUsedAt) } : {}),
  ...(k.revokedAt !== undefined ? { revokedAt: iso(k.revokedAt) } : {}),
});
