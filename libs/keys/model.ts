/** What a key may do: `control` manages everything of its tenant; `data` is bound to one app. */
export type KeyScope = 'control' | 'data';

/** An API key record. The value itself is never stored, only its SHA-256 hash. */
export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  scope: KeyScope;
  /** The app a data key is bound to. */
  appId?: string;
  plan: string;
  /** Hex SHA-256 of the key value. */
  hash: string;
  createdAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}

/** The authenticated caller of a request. */
export interface Principal {
  tenantId: string;
  keyId: string;
  scope: KeyScope;
  appId?: string;
  plan: string;
}
