import { AppNotFoundError } from '../../apps/errors';
import type { App } from '../../apps/model';
import type { AppStore } from '../../apps/port';
import type { Page, PageRequest } from '../../domain/page';
import type { ApiKey } from '../../keys/model';
import type { KeyStore } from '../../keys/port';
import type { Tenant } from '../../tenancy/model';
import type { TenantChange, TenantStore } from '../../tenancy/port';
import { UpdateBuilder } from './expression';
import { pageOf } from './paging';
import { Attr, Collections, idOf, Index, Keys } from './schema';
import { isConditionFailed, type Item, type Table } from './table';

/** Item attributes that are keys, not domain fields. */
const keyAttributes = new Set<string>([Attr.pk, Attr.sk, Attr.gsi2pk, Attr.gsiSk, Attr.gsi3pk, Attr.gsi4pk, Attr.ttl]);

/** The domain fields of an item (its key attributes removed). */
const fieldsOf = <T>(item: Item): T => Object.fromEntries(Object.entries(item).filter(([k]) => !keyAttributes.has(k))) as T;

/** A tenant item's fields; one written before tenants had a status is active. */
const toTenant = (item: Item): Tenant => {
  const t = fieldsOf<Tenant>(item);
  return t.status ? t : { ...t, status: 'active' };
};

/** Tenants: one item each, heading the tenant's partition, and listed (for the operator) through one byTenant collection. */
export class DynamoTenantStore implements TenantStore {
  constructor(private readonly table: Table) {}
  async create(t: Tenant): Promise<void> {
    await this.table.insert({ ...Keys.tenant(t.id), [Attr.gsi2pk]: Collections.allTenants, [Attr.gsiSk]: t.id, ...t }, `tenant ${t.id}`);
  }
  async get(tenantId: string): Promise<Tenant | undefined> {
    const item = await this.table.get(Keys.tenant(tenantId));
    return item && toTenant(item);
  }
  async list(page: PageRequest): Promise<Page<Tenant>> {
    return pageOf<Tenant>(
      this.table,
      {
        query: (before) => ({
          IndexName: Index.byTenant,
          KeyConditionExpression: before ? 'G2 = :pk AND GS < :before' : 'G2 = :pk',
          ExpressionAttributeValues: { ':pk': Collections.allTenants, ...(before ? { ':before': before } : {}) },
        }),
        idOf: (entry) => entry.GS as string,
        load: async (entries) => {
          const found = new Map(
            (await this.table.batchGet(entries.map((e) => Keys.tenant(e.GS as string)))).map((i) => [i.id as string, toTenant(i)]),
          );
          return entries.map((e) => found.get(e.GS as string));
        },
      },
      page,
    );
  }
  async update(tenantId: string, change: TenantChange): Promise<Tenant | undefined> {
    const b = new UpdateBuilder();
    for (const [field, value] of Object.entries(change)) if (value !== undefined) b.set(field, value);
    if (b.isEmpty) return this.get(tenantId);
    const item = await this.table.update(
      Keys.tenant(tenantId),
      b.when(() => 'attribute_exists(PK)'),
    );
    return item && toTenant(item);
  }
}

/** Apps live in their tenant's partition: a tenant has few, and listing them is one strongly consistent Query. */
export class DynamoAppStore implements AppStore {
  constructor(private readonly table: Table) {}
  async create(app: App): Promise<void> {
    await this.table.insert({ ...Keys.app(app.tenantId, app.id), ...app }, `app ${app.id}`);
  }
  async get(tenantId: string, appId: string): Promise<App | undefined> {
    const item = await this.table.get(Keys.app(tenantId, appId));
    return item && fieldsOf<App>(item);
  }
  async exists(tenantId: string, appId: string): Promise<boolean> {
    // A projection reads as many capacity units as the whole item: one GetItem either way.
    return (await this.get(tenantId, appId)) !== undefined;
  }
  async list(tenantId: string, page: PageRequest): Promise<Page<App>> {
    const { PK } = Keys.tenant(tenantId);
    return pageOf<App>(
      this.table,
      {
        query: (before) => ({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': 'APP#' },
          ConsistentRead: true,
          ...(before ? { ExclusiveStartKey: Keys.app(tenantId, before) } : {}),
        }),
        idOf: (item) => idOf(item.SK as string),
        load: async (items) => items.map((i) => fieldsOf<App>(i)),
      },
      page,
    );
  }
  async update(app: App): Promise<void> {
    // The key names the tenant: another tenant's app id simply does not exist here.
    try {
      await this.table.put({ ...Keys.app(app.tenantId, app.id), ...app }, { expression: 'attribute_exists(PK)' });
    } catch (err) {
      if (isConditionFailed(err)) throw new AppNotFoundError(app.id);
      throw err;
    }
  }
  async delete(tenantId: string, appId: string): Promise<boolean> {
    return (await this.table.delete(Keys.app(tenantId, appId))) !== undefined;
  }
}

const toKey = (item: Item): ApiKey => fieldsOf<ApiKey>(item);

/** Keys are keyed by id (the gateway knows only the id), listed per tenant and found by hash through indexes. */
export class DynamoKeyStore implements KeyStore {
  constructor(private readonly table: Table) {}
  async create(k: ApiKey): Promise<void> {
    const item = {
      ...Keys.key(k.id),
      [Attr.gsi2pk]: Collections.tenantKeys(k.tenantId),
      [Attr.gsiSk]: k.id,
      [Attr.gsi3pk]: Collections.keyHash(k.hash),
      ...k,
    };
    await this.table.insert(item, `key ${k.id}`);
  }
  async getByHash(hash: string): Promise<ApiKey | undefined> {
    const [entry] = await this.table.query(
      { IndexName: Index.byParent, KeyConditionExpression: 'G3 = :h', ExpressionAttributeValues: { ':h': Collections.keyHash(hash) } },
      1,
    );
    // The index is eventually consistent; the key item itself is read strongly (a revocation shows at once).
    return entry && this.getById(idOf(entry.PK as string));
  }
  async getById(keyId: string): Promise<ApiKey | undefined> {
    const item = await this.table.get(Keys.key(keyId));
    return item && toKey(item);
  }
  async get(tenantId: string, keyId: string): Promise<ApiKey | undefined> {
    const key = await this.getById(keyId);
    return key?.tenantId === tenantId ? key : undefined;
  }
  async list(tenantId: string, page: PageRequest): Promise<Page<ApiKey>> {
    return pageOf<ApiKey>(
      this.table,
      {
        query: (before) => ({
          IndexName: Index.byTenant,
          KeyConditionExpression: before ? 'G2 = :pk AND GS < :before' : 'G2 = :pk',
          ExpressionAttributeValues: { ':pk': Collections.tenantKeys(tenantId), ...(before ? { ':before': before } : {}) },
        }),
        idOf: (entry) => entry.GS as string,
        load: async (entries) => {
          const found = new Map(
            (await this.table.batchGet(entries.map((e) => Keys.key(e.GS as string)))).map((i) => [i.id as string, toKey(i)]),
          );
          return entries.map((e) => found.get(e.GS as string));
        },
      },
      page,
    );
  }
  async revoke(tenantId: string, keyId: string, at: number): Promise<boolean> {
    const b = new UpdateBuilder()
      .set('revokedAt', at)
      .when(
        (u) => `attribute_exists(PK) AND ${u.name('tenantId')} = ${u.value(tenantId)} AND attribute_not_exists(${u.name('revokedAt')})`,
      );
    return (await this.table.update(Keys.key(keyId), b)) !== undefined;
  }
  async touch(keyId: string, at: number): Promise<void> {
    // Conditional so a touch of a deleted or unknown key never creates a stray item.
    await this.table.update(
      Keys.key(keyId),
      new UpdateBuilder().set('lastUsedAt', at).when(() => 'attribute_exists(PK)'),
    );
  }
  async countLive(tenantId: string): Promise<number> {
    return (await this.all(tenantId)).filter((k) => k.revokedAt === undefined).length;
  }
  async setPlan(tenantId: string, keyId: string, plan: string): Promise<boolean> {
    const b = new UpdateBuilder().set('plan', plan).when((u) => `attribute_exists(PK) AND ${u.name('tenantId')} = ${u.value(tenantId)}`);
    return (await this.table.update(Keys.key(keyId), b)) !== undefined;
  }
  async revokeAllForApp(tenantId: string, appId: string, at: number): Promise<ApiKey[]> {
    const live = (await this.all(tenantId)).filter((k) => k.appId === appId && k.revokedAt === undefined);
    const revoked: ApiKey[] = [];
    for (const k of live) if (await this.revoke(tenantId, k.id, at)) revoked.push(k);
    return revoked;
  }
  /** Every key of the tenant (a tenant holds few: its plan caps the live ones). */
  private async all(tenantId: string): Promise<ApiKey[]> {
    const entries = await this.table.query({
      IndexName: Index.byTenant,
      KeyConditionExpression: 'G2 = :pk',
      ExpressionAttributeValues: { ':pk': Collections.tenantKeys(tenantId) },
    });
    return (await this.table.batchGet(entries.map((e) => Keys.key(e.GS as string)))).map(toKey);
  }
}
