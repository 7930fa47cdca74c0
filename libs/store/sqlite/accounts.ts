import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { App } from '../../apps/model';
import type { AppStore } from '../../apps/port';
import { AppNotFoundError } from '../../apps/errors';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from '../../domain/page';
import type { ApiKey } from '../../keys/model';
import type { KeyStore } from '../../keys/port';
import type { Tenant, TenantStatus } from '../../tenancy/model';
import type { TenantChange, TenantStore } from '../../tenancy/port';

const MAX_ID = '~';

/** Turns `limit + 1` rows, newest first, into a page. */
export const toPage = <T extends { id: string }>(rows: T[], limit: number): Page<T> =>
  rows.length > limit ? { items: rows.slice(0, limit), nextCursor: encodeCursor(rows[limit - 1].id) } : { items: rows };

/** The id to continue before, from a cursor (`~` sorts after every id); a malformed cursor throws InvalidCursorError. */
export const cursorId = (page: PageRequest): string => (page.cursor !== undefined ? decodeCursor(page.cursor) : MAX_ID);

interface TenantRow {
  id: string;
  name: string;
  plan: string;
  owner: string;
  status: TenantStatus;
  created_at: number;
  updated_at: number | null;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  plan: r.plan,
  owner: r.owner,
  status: r.status,
  createdAt: r.created_at,
  ...(r.updated_at !== null ? { updatedAt: r.updated_at } : {}),
});

const tenantColumns: Record<keyof TenantChange, string> = { name: 'name', plan: 'plan', status: 'status', updatedAt: 'updated_at' };

export class SqliteTenantStore implements TenantStore {
  private readonly stmts;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare('INSERT INTO tenants (id, name, plan, owner, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM tenants WHERE id = ?'),
      list: db.prepare('SELECT * FROM tenants WHERE id < ? ORDER BY id DESC LIMIT ?'),
    };
  }
  async create(t: Tenant): Promise<void> {
    this.stmts.insert.run(t.id, t.name, t.plan, t.owner, t.status, t.createdAt, t.updatedAt ?? null);
  }
  async get(tenantId: string): Promise<Tenant | undefined> {
    const row = this.stmts.get.get(tenantId) as TenantRow | undefined;
    return row && toTenant(row);
  }
  async list(page: PageRequest): Promise<Page<Tenant>> {
    const rows = this.stmts.list.all(cursorId(page), page.limit + 1) as TenantRow[];
    return toPage(rows.map(toTenant), page.limit);
  }
  async update(tenantId: string, change: TenantChange): Promise<Tenant | undefined> {
    const keys = (Object.keys(change) as (keyof TenantChange)[]).filter((k) => change[k] !== undefined);
    if (!keys.length) return this.get(tenantId);
    const sql = `UPDATE tenants SET ${keys.map((k) => `${tenantColumns[k]} = ?`).join(', ')} WHERE id = ? RETURNING *`;
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    const row = stmt.get(...keys.map((k) => change[k]), tenantId) as TenantRow | undefined;
    return row && toTenant(row);
  }
}

/** @default apps whose stored JSON is kept in memory (every message create reads its app); the least recently used go first */
const appCacheSize = 10_000;

export class SqliteAppStore implements AppStore {
  private readonly stmts;
  /**
   * The stored JSON of recently read apps, by id. This store is the only writer of the table, and
   * it drops an entry on every write to that app; each read parses a fresh object, so callers
   * cannot alter the cached one.
   */
  private readonly cache = new LRUCache<string, { tenantId: string; data: string }>({ max: appCacheSize });
  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare('INSERT INTO apps (id, tenant_id, data, created_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT data FROM apps WHERE id = ? AND tenant_id = ?'),
      list: db.prepare('SELECT data FROM apps WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      update: db.prepare('UPDATE apps SET data = ? WHERE id = ? AND tenant_id = ?'),
      delete: db.prepare('DELETE FROM apps WHERE id = ? AND tenant_id = ?'),
    };
  }
  async create(app: App): Promise<void> {
    this.cache.delete(app.id);
    this.stmts.insert.run(app.id, app.tenantId, JSON.stringify(app), app.createdAt);
  }
  async get(tenantId: string, appId: string): Promise<App | undefined> {
    const hit = this.cache.get(appId);
    if (hit) return hit.tenantId === tenantId ? (JSON.parse(hit.data) as App) : undefined;
    const row = this.stmts.get.get(appId, tenantId) as { data: string } | undefined;
    if (!row) return undefined;
    this.cache.set(appId, { tenantId, data: row.data });
    return JSON.parse(row.data) as App;
  }
  /** As `get`, without parsing a cached record (message creation only checks the app exists). */
  async exists(tenantId: string, appId: string): Promise<boolean> {
    const hit = this.cache.get(appId);
    if (hit) return hit.tenantId === tenantId;
    return (await this.get(tenantId, appId)) !== undefined;
  }
  async list(tenantId: string, page: PageRequest): Promise<Page<App>> {
    const rows = this.stmts.list.all(tenantId, cursorId(page), page.limit + 1) as { data: string }[];
    return toPage(
      rows.map((r) => JSON.parse(r.data) as App),
      page.limit,
    );
  }
  async update(app: App): Promise<void> {
    this.cache.delete(app.id);
    if (this.stmts.update.run(JSON.stringify(app), app.id, app.tenantId).changes === 0) throw new AppNotFoundError(app.id);
  }
  async delete(tenantId: string, appId: string): Promise<boolean> {
    this.cache.delete(appId);
    return this.stmts.delete.run(appId, tenantId).changes > 0;
  }
}

interface KeyRow {
  id: string;
  tenant_id: string;
  hash: string;
  name: string;
  scope: 'control' | 'data';
  app_id: string | null;
  plan: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  hash: r.hash,
  name: r.name,
  scope: r.scope,
  ...(r.app_id ? { appId: r.app_id } : {}),
  plan: r.plan,
  createdAt: r.created_at,
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

export class SqliteKeyStore implements KeyStore {
  private readonly stmts;
  private readonly revokeAppTx;
  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO api_keys (id, tenant_id, hash, name, scope, app_id, plan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      byHash: db.prepare('SELECT * FROM api_keys WHERE hash = ?'),
      byId: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
      get: db.prepare('SELECT * FROM api_keys WHERE id = ? AND tenant_id = ?'),
      list: db.prepare('SELECT * FROM api_keys WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL'),
      touch: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
      countLive: db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL'),
      setPlan: db.prepare('UPDATE api_keys SET plan = ? WHERE id = ? AND tenant_id = ?'),
      appKeys: db.prepare('SELECT * FROM api_keys WHERE tenant_id = ? AND app_id = ? AND revoked_at IS NULL'),
    };
    this.revokeAppTx = db.transaction((tenantId: string, appId: string, at: number): ApiKey[] => {
      const keys = (this.stmts.appKeys.all(tenantId, appId) as KeyRow[]).map(toKey);
      for (const k of keys) this.stmts.revoke.run(at, k.id, tenantId);
      return keys;
    });
  }
  async create(k: ApiKey): Promise<void> {
    this.stmts.insert.run(k.id, k.tenantId, k.hash, k.name, k.scope, k.appId ?? null, k.plan, k.createdAt);
  }
  async getByHash(hash: string): Promise<ApiKey | undefined> {
    const r = this.stmts.byHash.get(hash) as KeyRow | undefined;
    return r && toKey(r);
  }
  async getById(keyId: string): Promise<ApiKey | undefined> {
    const r = this.stmts.byId.get(keyId) as KeyRow | undefined;
    return r && toKey(r);
  }
  async get(tenantId: string, keyId: string): Promise<ApiKey | undefined> {
    const r = this.stmts.get.get(keyId, tenantId) as KeyRow | undefined;
    return r && toKey(r);
  }
  async list(tenantId: string, page: PageRequest): Promise<Page<ApiKey>> {
    const rows = this.stmts.list.all(tenantId, cursorId(page), page.limit + 1) as KeyRow[];
    return toPage(rows.map(toKey), page.limit);
  }
  async revoke(tenantId: string, keyId: string, at: number): Promise<boolean> {
    return this.stmts.revoke.run(at, keyId, tenantId).changes > 0;
  }
  async touch(keyId: string, at: number): Promise<void> {
    this.stmts.touch.run(at, keyId);
  }
  async countLive(tenantId: string): Promise<number> {
    return (this.stmts.countLive.get(tenantId) as { n: number }).n;
  }
  async setPlan(tenantId: string, keyId: string, plan: string): Promise<boolean> {
    return this.stmts.setPlan.run(plan, keyId, tenantId).changes > 0;
  }
  async revokeAllForApp(tenantId: string, appId: string, at: number): Promise<ApiKey[]> {
    return this.revokeAppTx(tenantId, appId, at);
  }
}
