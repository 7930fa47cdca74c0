import type { Page, PageRequest } from '../domain/page';
import type { ApiKey } from './model';

/** Persistence of API keys (hashes only, never values). */
export interface KeyStore {
  /** Inserts a new key. */
  create(key: ApiKey): Promise<void>;
  /** The key with this SHA-256 hash, revoked or not. */
  getByHash(hash: string): Promise<ApiKey | undefined>;
  /** The tenant's key, or undefined. */
  get(tenantId: string, keyId: string): Promise<ApiKey | undefined>;
  /** The key by our id alone, whatever its tenant (a gateway-identified caller), or undefined. */
  getById(keyId: string): Promise<ApiKey | undefined>;
  /** The tenant's keys, newest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<ApiKey>>;
  /** Marks the key revoked at `at`; returns false when it does not exist or is already revoked. */
  revoke(tenantId: string, keyId: string, at: number): Promise<boolean>;
  /** Records use of the key (coarse; callers throttle it). */
  touch(keyId: string, at: number): Promise<void>;
  /** How many of the tenant's keys are live (not revoked): the plan's `maxKeys` caps it. */
  countLive(tenantId: string): Promise<number>;
  /** Moves the tenant's key to another plan; returns false when it does not exist. */
  setPlan(tenantId: string, keyId: string, plan: string): Promise<boolean>;
  /** Revokes every live data key bound to the app at `at` (app deletion); returns them as they were before. */
  revokeAllForApp(tenantId: string, appId: string, at: number): Promise<ApiKey[]>;
}

/** AWS: which of our keys an API Gateway key id (`requestContext.identity.apiKeyId`) belongs to. Write-once. */
export interface GatewayKeyMap {
  /** Records that API Gateway key `gatewayKeyId` is our key `keyId`. */
  put(gatewayKeyId: string, keyId: string): Promise<void>;
  /** Our key id for an API Gateway key id, or undefined. */
  keyIdOf(gatewayKeyId: string): Promise<string | undefined>;
}
