import type { ApiKey } from '../keys/model';
import { AppService } from '../apps/service';
import { targetPolicy, type TargetPolicyOptions } from '../delivery/targets/policy';
import type { Clock } from '../domain/clock';
import type { Engine } from '../engine/port';
import type { EventSink } from '../events/port';
import type { GatewayKeyMap } from '../keys/port';
import { KeyService } from '../keys/service';
import type { Message } from '../messages/model';
import type { Schedule } from '../schedules/model';
import { MessageService } from '../messages/service';
import { defaultPlanName, isPlanAtMost, type PlanCatalogue } from '../plans/catalogue';
import { ScheduleService } from '../schedules/service';
import type { Stores } from '../store/port';
import { TenantDirectory } from '../tenancy/directory';
import type { OperatorAuth } from '../tenancy/operator';
import { TenantService } from '../tenancy/service';
import { PlanLimiter } from '../usage/limiter';
import { UsageService } from '../usage/service';
import type { Logger } from '../observability/logger';
import type { Services } from '../http/services';
import type { SecretBox } from '../secrets/port';
import { version } from './version';

/** What both runtimes hand the shared wiring; the differences between them are these fields. */
export interface WireDeps {
  stores: Stores;
  plans: PlanCatalogue;
  clock: Clock;
  logger: Logger;
  engine: Engine;
  operator: OperatorAuth;
  /** What this runtime can send to, and what its operator allows (private webhooks, email, AWS accounts). */
  targets: TargetPolicyOptions;
  /** Seals apps' secrets before they are stored. */
  secrets: SecretBox;
  /** Which of our keys a gateway key id names (AWS: API Gateway's ids). @default the gateway names keys by our id */
  gatewayKeys?: Pick<GatewayKeyMap, 'keyIdOf'>;
  onKeyIssued?: (key: ApiKey, value: string) => Promise<void>;
  onKeyRevoked?: (key: ApiKey) => Promise<void>;
  /** A key moved to another plan with its tenant (AWS: to that plan's usage plan); `key` is as it was. */
  onKeyReplanned?: (key: ApiKey, plan: string) => Promise<void>;
  /** A tenant was resumed: its held deliveries go back to the engine (see `TenantServiceDeps.onResumed`). */
  onTenantResumed?: (tenantId: string) => Promise<void>;
  /** How long a key read is trusted (AWS: other warm containers must see a revocation soon). @default forever */
  keyCacheMs?: number;
  /** Observes newly stored messages (embedded metering). */
  onMessagesCreated?: (messages: Message[]) => void;
  /** Asks the schedule materialiser to look now (embedded), or materialises the changed schedule (AWS). */
  nudgeSchedules?: (schedule: Schedule) => void | Promise<void>;
  /** Writes buffered usage before a read (embedded meter). */
  beforeUsageRead?: () => Promise<void>;
  /** Where the services announce created, aborted and redriven messages and triggered runs (embedded: `GET /v1/events`). */
  events?: EventSink;
}

/** What the shared wiring builds: the services, and the parts the runtime's engine and gateway use too. */
export interface Wired {
  services: Services;
  /** Plan enforcement: requests (embedded gateway), schedule runs (materialiser), messages, keys and schedules (services). */
  limiter: PlanLimiter;
  /** Cached tenants: whether a delivery's tenant is suspended (the engines' hold). */
  directory: TenantDirectory;
}

/** Builds the services every handler uses, identically for both runtimes. */
export const buildServices = (d: WireDeps): Wired => {
  const { stores, plans, clock } = d;
  const planNames = () => Object.keys(plans);
  const directory = new TenantDirectory(stores.tenants, clock);
  const limiter = new PlanLimiter({
    plans,
    usage: stores.usage,
    messages: stores.messages,
    keys: stores.keys,
    schedules: stores.schedules,
    tenants: directory,
    clock,
  });
  const admit = (p: Parameters<PlanLimiter['admitMessages']>[0], count: number) => limiter.admitMessages(p, count);
  const keys = new KeyService({
    keys: stores.keys,
    ...(d.gatewayKeys ? { gatewayKeys: d.gatewayKeys } : {}),
    apps: stores.apps,
    clock,
    planNames,
    isPlanAtMost: (plan, than) => isPlanAtMost(plans, plan, than),
    ...(d.onKeyIssued ? { onIssued: d.onKeyIssued } : {}),
    ...(d.onKeyRevoked ? { onRevoked: d.onKeyRevoked } : {}),
    ...(d.onKeyReplanned ? { onReplanned: d.onKeyReplanned } : {}),
    ...(d.keyCacheMs !== undefined ? { cacheMs: d.keyCacheMs } : {}),
    admitKey: (tenantId) => limiter.admitKey(tenantId),
    tenants: directory,
  });
  const messages = new MessageService({
    messages: stores.messages,
    apps: stores.apps,
    engine: d.engine,
    clock,
    admit,
    ...(d.onMessagesCreated ? { onCreated: d.onMessagesCreated } : {}),
    ...(d.events ? { events: d.events } : {}),
  });
  const schedules = new ScheduleService({
    schedules: stores.schedules,
    apps: stores.apps,
    messages: stores.messages,
    runs: messages,
    clock,
    admit,
    admitSchedule: (tenantId) => limiter.admitSchedule(tenantId),
    ...(d.nudgeSchedules ? { nudge: d.nudgeSchedules } : {}),
    ...(d.events ? { events: d.events } : {}),
  });
  const services: Services = {
    tenants: new TenantService({
      tenants: stores.tenants,
      keys,
      clock,
      planNames,
      planOf: (name) => plans[name],
      defaultPlan: defaultPlanName,
      forget: (tenantId) => directory.forget(tenantId),
      ...(d.onTenantResumed ? { onResumed: d.onTenantResumed } : {}),
    }),
    apps: new AppService({
      apps: stores.apps,
      messages: stores.messages,
      clock,
      checkTarget: targetPolicy(d.targets),
      secrets: d.secrets,
      onDeleted: async (tenantId, appId) => {
        await schedules.onAppDeleted(tenantId, appId);
        await keys.onAppDeleted(tenantId, appId);
      },
    }),
    keys,
    messages,
    schedules,
    usage: new UsageService({
      usage: stores.usage,
      keys: stores.keys,
      clock,
      ...(d.beforeUsageRead ? { beforeRead: d.beforeUsageRead } : {}),
    }),
    operator: d.operator,
    logger: d.logger,
    clock,
    version,
  };
  return { services, limiter, directory };
};
