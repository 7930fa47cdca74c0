import type { Clock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { newId } from '../domain/ids';
import type { IssuedKey, KeyService } from '../keys/service';
import type { Tenant } from './model';
import type { TenantStore } from './port';
import type { TenantCreateInput } from './schemas';

export interface TenantServiceDeps {
  tenants: TenantStore;
  keys: KeyService;
  clock: Clock;
  planNames: () => string[];
  /** @default 'free' */
  defaultPlan: string;
}

export class TenantService {
  constructor(private readonly deps: TenantServiceDeps) {}

  /** Creates a tenant owned by `owner` (the operator or a Cognito `sub`) with its first control key. */
  async create(owner: string, input: TenantCreateInput): Promise<{ tenant: Tenant; controlKey: IssuedKey }> {
    const plan = input.plan ?? this.deps.defaultPlan;
    const plans = this.deps.planNames();
    if (!plans.includes(plan)) {
      throw new ValidationError(`unknown plan "${plan}"; plans are: ${plans.join(', ')}`, [
        { path: 'plan', issue: `must be one of ${plans.join(', ')}` },
      ]);
    }
    const tenant: Tenant = { id: newId('ten'), name: input.name, plan, owner, createdAt: this.deps.clock.now() };
    await this.deps.tenants.create(tenant);
    const controlKey = await this.deps.keys.issue(tenant.id, 'control', plan, { name: 'initial control key' });
    return { tenant, controlKey };
  }
}
