import { hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { newId } from '../domain/ids';
import type { Page, PageRequest } from '../domain/page';
import type { AppStore } from '../apps/port';
import { AppNotFoundError } from '../apps/errors';
import { requireControl } from './access';
import { KeyNotFoundError } from './errors';
import type { ApiKey, KeyScope, Principal } from './model';
import type { GatewayKeyMap, KeyStore } from './port';
import type { KeyCreateInput } from './schemas';

/** A freshly issued key: the record and the value, shown once. */
export interface IssuedKey {
  key: ApiKey;
  value: string;
}

/** Hex SHA-256 of a key value: the only form in which keys are stored. */
export const hashKey = (value: string): string => hash('sha256', value, 'hex'); // one-shot: no Hash object per request

/** Touch `lastUsedAt` at most this often per key. */
const touchEveryMs = 60_000;

/** @default keys (and as many hashes and gateway ids) kept in memory; the least recently used go first */
const cacheMax = 50_000;

export interface KeyServiceDeps {
  keys: KeyStore;
  apps: AppStore;
  clock: Clock;
  /** Plan names that exist. */
  planNames: () => string[];
  /** Whether `plan` is no more generous than `than` (key overrides only go downwards). */
  isPlanAtMost: (plan: string, than: string) => boolean;
  /** Called after a key is created or revoked (e.g. to attach it to an API Gateway usage plan). */
  onIssued?: (key: ApiKey, value: string) => Promise<void>;
  onRevoked?: (key: ApiKey) => Promise<void>;
  /** Called after a key moved to another plan with its tenant (AWS: to the other usage plan); `key` is as it was. */
  onReplanned?: (key: ApiKey, plan: string) => Promise<void>;
  /** Refuses a new key when the tenant's plan caps its live keys (`maxKeys`); throws to refuse. */
  admitKey?: (tenantId: string) => Promise<void>;
  /** Refuses the keys of a suspended tenant (`TenantSuspendedError`, 403 `tenant_suspended`). */
  tenants?: { assertActive(tenantId: string): Promise<void> };
  /**
   * Which of our keys the id a gateway names a caller by belongs to. AWS: API Gateway hands the
   * handler its own key id. @default none: the embedded gateway names keys by our id
   */
  gatewayKeys?: Pick<GatewayKeyMap, 'keyIdOf'>;
  /**
   * How long a key read from the store is trusted before it is read again. Embedded: forever (one
   * process, and revocation evicts). AWS: short, since a revocation evicts only in the container that
   * handled it and every other warm container must notice. @default Infinity
   */
  cacheMs?: number;
}

export class KeyService {
  /** Keys by our id, each trusted for `cacheMs` from its read; revocation in this process evicts at once. */
  private readonly byId: LRUCache<string, ApiKey>;
  /** Our key id by key hash (embedded authentication) and by gateway key id (AWS); both never change. */
  private readonly idByHash = new LRUCache<string, string>({ max: cacheMax });
  private readonly idByGatewayId = new LRUCache<string, string>({ max: cacheMax });

  constructor(private readonly deps: KeyServiceDeps) {
    const cacheMs = deps.cacheMs ?? Infinity;
    this.byId = new LRUCache<string, ApiKey>({
      max: cacheMax,
      // lru-cache keeps an entry while its age is at most `ttl`; a read is trusted while younger than cacheMs.
      ...(Number.isFinite(cacheMs) ? { ttl: Math.max(1, cacheMs - 1) } : {}),
      // Ages on the injected clock, read on every check (no timer-cached now). lru-cache reads a start
      // of 0 as "no TTL", so the clock is shifted by 1 ms: a clock at the epoch (tests) expires too.
      perf: { now: () => deps.clock.now() + 1 },
      ttlResolution: 0,
    });
  }

  /** Creates a key and returns its value (the only time it is shown). */
  async issue(tenantId: string, scope: KeyScope, plan: string, opts: { name?: string; appId?: string } = {}): Promise<IssuedKey> {
    const now = this.deps.clock.now();
    const value = `pk_${randomBytes(32).toString('base64url')}`;
    const key: ApiKey = {
      id: newId('key', { tenantId }),
      tenantId,
      name: opts.name ?? `${scope} key`,
      scope,
      ...(opts.appId ? { appId: opts.appId } : {}),
      plan,
      hash: hashKey(value),
      createdAt: now,
    };
    await this.deps.keys.create(key);
    await this.deps.onIssued?.(key, value);
    return { key, value };
  }

  /** `POST /v1/keys`: a control key creates a control key or a data key bound to one of its apps. */
  async create(p: Principal, input: KeyCreateInput, byOperator = false): Promise<IssuedKey> {
    requireControl(p);
    const plan = input.plan ?? p.plan;
    if (!this.deps.planNames().includes(plan)) {
      throw new ValidationError(`unknown plan "${plan}"; plans are: ${this.deps.planNames().join(', ')}`, [
        { path: 'plan', issue: `must be one of ${this.deps.planNames().join(', ')}` },
      ]);
    }
    if (!byOperator && !this.deps.isPlanAtMost(plan, p.plan)) {
      throw new ValidationError(`plan "${plan}" is above this tenant's plan "${p.plan}"; a key may only override its plan downwards`, [
        { path: 'plan', issue: 'a key may only override its plan downwards' },
      ]);
    }
    if (input.appId && !(await this.deps.apps.get(p.tenantId, input.appId))) throw new AppNotFoundError(input.appId);
    await this.deps.admitKey?.(p.tenantId);
    return this.issue(p.tenantId, input.scope, plan, { name: input.name, appId: input.appId });
  }

  async list(p: Principal, page: PageRequest): Promise<Page<ApiKey>> {
    requireControl(p);
    return this.deps.keys.list(p.tenantId, page);
  }

  async revoke(p: Principal, keyId: string): Promise<void> {
    requireControl(p);
    const key = await this.deps.keys.get(p.tenantId, keyId);
    if (!key) throw new KeyNotFoundError(keyId);
    const revoked = await this.deps.keys.revoke(p.tenantId, keyId, this.deps.clock.now());
    this.evict(key);
    if (revoked) await this.deps.onRevoked?.(key);
  }

  /**
   * The live key with this value, or undefined (unknown or revoked). Cached; revocation evicts. A suspended tenant's key
   * throws `TenantSuspendedError`.
   */
  async authenticate(value: string): Promise<ApiKey | undefined> {
    const hash = hashKey(value);
    const id = this.idByHash.get(hash);
    let key = id === undefined ? undefined : this.byId.get(id);
    if (!key) {
      key = await this.deps.keys.getByHash(hash);
      if (key) this.remember(key);
    }
    if (!key || key.revokedAt) return undefined;
    await this.deps.tenants?.assertActive(key.tenantId);
    return key;
  }

  /**
   * The tenant moved from plan `from` to `to`: its live keys on `from`, and any whose own plan is now above `to`, move to
   * `to` (a key's lower plan of its own stays). Returns how many moved.
   */
  async replan(tenantId: string, from: string, to: string): Promise<number> {
    let moved = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.keys.list(tenantId, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const key of page.items) {
        if (key.revokedAt || key.plan === to || (key.plan !== from && this.deps.isPlanAtMost(key.plan, to))) continue;
        if (!(await this.deps.keys.setPlan(tenantId, key.id, to))) continue;
        this.evict(key);
        await this.deps.onReplanned?.(key, to);
        moved++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return moved;
  }

  /** App deletion: the app's data keys are revoked, so they stop working with it. Returns how many. */
  async onAppDeleted(tenantId: string, appId: string): Promise<number> {
    const revoked = await this.deps.keys.revokeAllForApp(tenantId, appId, this.deps.clock.now());
    for (const key of revoked) {
      this.evict(key);
      await this.deps.onRevoked?.(key);
    }
    return revoked.length;
  }

  /**
   * The principal of a raw key value (callers that are not behind API Gateway: SNS/SQS ingestion), or undefined when
   * the key is unknown or revoked; a suspended tenant's key throws as in `authenticate`.
   */
  async principalOfValue(value: string): Promise<Principal | undefined> {
    const key = value.length > 0 && value.length <= 200 ? await this.authenticate(value) : undefined;
    if (!key) return undefined;
    this.noteUse(key);
    return { tenantId: key.tenantId, keyId: key.id, scope: key.scope, plan: key.plan, ...(key.appId ? { appId: key.appId } : {}) };
  }

  /** The principal for a gateway-identified key id, or undefined when unknown or revoked; a suspended tenant's throws. */
  async principal(gatewayKeyId: string): Promise<Principal | undefined> {
    const keyId = await this.keyIdOf(gatewayKeyId);
    if (keyId === undefined) return undefined;
    let key = this.byId.get(keyId);
    if (!key) {
      key = await this.deps.keys.getById(keyId);
      if (key) this.remember(key);
    }
    if (!key || key.revokedAt) return undefined;
    await this.deps.tenants?.assertActive(key.tenantId);
    this.noteUse(key);
    return { tenantId: key.tenantId, keyId: key.id, scope: key.scope, plan: key.plan, ...(key.appId ? { appId: key.appId } : {}) };
  }

  /** Our key id for the id a gateway names the caller by: the one place API Gateway's ids become ours. */
  private async keyIdOf(gatewayKeyId: string): Promise<string | undefined> {
    if (!this.deps.gatewayKeys) return gatewayKeyId;
    let keyId = this.idByGatewayId.get(gatewayKeyId);
    if (keyId === undefined) {
      keyId = await this.deps.gatewayKeys.keyIdOf(gatewayKeyId);
      if (keyId !== undefined) this.idByGatewayId.set(gatewayKeyId, keyId);
    }
    return keyId;
  }

  private noteUse(key: ApiKey): void {
    const now = this.deps.clock.now();
    if (key.lastUsedAt !== undefined && now - key.lastUsedAt < touchEveryMs) return;
    key.lastUsedAt = now;
    void this.deps.keys.touch(key.id, now).catch(() => undefined);
  }

  private remember(key: ApiKey): void {
    this.byId.set(key.id, key);
    this.idByHash.set(key.hash, key.id);
  }

  /** Forgets the key under every id it is cached by: ours, its hash and the gateway's. */
  private evict(key: ApiKey): void {
    this.byId.delete(key.id);
    this.idByHash.delete(key.hash);
    // Revocation is rare and the cache bounded: a scan is cheaper than keeping a reverse index.
    const aliases = [...this.idByGatewayId.entries()].filter(([, keyId]) => keyId === key.id);
    for (const [gatewayKeyId] of aliases) this.idByGatewayId.delete(gatewayKeyId);
  }
}
