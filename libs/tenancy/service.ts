import type { Clock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { newId } from '../domain/ids';
import { defaultPageLimit, type Page } from '../domain/page';
import { requireControl } from '../keys/access';
import type { Principal } from '../keys/model';
import type { IssuedKey, KeyService } from '../keys/service';
import type { Plan } from '../plans/catalogue';
import { TenantNotFoundError } from './errors';
import type { Tenant } from './model';
import type { TenantChange, TenantStore } from './port';
import type { TenantCreateInput, TenantListQuery, TenantUpdateInput } from './schemas';

export interface TenantServiceDeps {
  tenants: TenantStore;
  keys: KeyService;
  clock: Clock;
  /** The plan catalogue's plan of this name, or undefined. */
  planOf: (name: string) => Plan | undefined;
  planNames: () => string[];
  /** @default 'free' */
  defaultPlan: string;
  /** Forgets a tenant this process changed, wherever it is cached (the tenant directory), so the change applies at once. */
  forget?: (tenantId: string) => void;
  /**
   * After a tenant is resumed: its messages held while it was suspended go back to the engine. Embedded: the server's
   * resume watcher; AWS: released and sent at once.
   */
  onResumed?: (tenantId: string) => Promise<void>;
}

/** Tenant sign-up and the operator's administration of tenants (plan, suspension, name). */
export class TenantService {
  constructor(private readonly deps: TenantServiceDeps) {}

  /** Creates a tenant owned by `owner` (the operator or a Cognito `sub`) with its first control key. */
  async create(owner: string, input: TenantCreateInput): Promise<{ tenant: Tenant; controlKey: IssuedKey }> {
    const plan = input.plan ?? this.deps.defaultPlan;
    this.checkPlan(plan);
    const tenant: Tenant = { id: newId('ten'), name: input.name, plan, owner, status: 'active', createdAt: this.deps.clock.now() };
    await this.deps.tenants.create(tenant);
    const controlKey = await this.deps.keys.issue(tenant.id, 'control', plan, { name: 'initial control key' });
    return { tenant, controlKey };
  }

  /** Every tenant, newest first (operator). */
  async list(q: TenantListQuery): Promise<Page<Tenant>> {
    return this.deps.tenants.list({ limit: q.limit ?? defaultPageLimit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  }

  /** One tenant (operator); 404 when there is none. */
  async get(tenantId: string): Promise<Tenant> {
    const tenant = await this.deps.tenants.get(tenantId);
    if (!tenant) throw new TenantNotFoundError(tenantId);
    return tenant;
  }

  /** The caller's own tenant and its plan's limits (`GET /v1/tenants/me`, control key). */
  async own(p: Principal): Promise<{ tenant: Tenant; limits: Plan }> {
    requireControl(p);
    const tenant = await this.get(p.tenantId);
    return { tenant, limits: this.deps.planOf(tenant.plan) ?? {} };
  }

  /**
   * Changes a tenant's name, plan or status (operator). A new plan moves the tenant's keys with it (`KeyService.replan`);
   * suspension refuses its keys and holds its deliveries, resumption releases them.
   */
  async update(tenantId: string, input: TenantUpdateInput): Promise<Tenant> {
    const before = await this.get(tenantId);
    if (input.plan !== undefined) this.checkPlan(input.plan);
    const change: TenantChange = {};
    if (input.name !== undefined && input.name !== before.name) change.name = input.name;
    if (input.plan !== undefined && input.plan !== before.plan) change.plan = input.plan;
    if (input.status !== undefined && input.status !== before.status) change.status = input.status;
    let after = before;
    if (Object.keys(change).length) {
      change.updatedAt = this.deps.clock.now();
      // Keys first: if moving them fails part-way, the tenant is still on its old plan and a retry moves the rest.
      if (change.plan !== undefined) await this.deps.keys.replan(tenantId, before.plan, change.plan);
      const updated = await this.deps.tenants.update(tenantId, change);
      if (!updated) throw new TenantNotFoundError(tenantId);
      this.deps.forget?.(tenantId);
      after = updated;
    }
    // Also when it was active already: a retried resumption releases what a failed one left held.
    if (input.status === 'active') await this.deps.onResumed?.(tenantId);
    return after;
  }

  private checkPlan(plan: string): void {
    const plans = this.deps.planNames();
    if (!plans.includes(plan)) {
      throw new ValidationError(`unknown plan "${plan}"; plans are: ${plans.join(', ')}`, [
        { path: 'plan', issue: `must be one of ${plans.join(', ')}` },
      ]);
    }
  }
}
