import type { AppService } from '../apps/service';
import type { Clock } from '../domain/clock';
import type { KeyService } from '../keys/service';
import type { MessageService } from '../messages/service';
import type { ScheduleService } from '../schedules/service';
import type { OperatorAuth } from '../tenancy/operator';
import type { TenantService } from '../tenancy/service';
import type { UsageService } from '../usage/service';
import type { Logger } from '../observability/logger';

/** What handlers need, wired by a runtime's composition root. */
export interface Services {
  tenants: TenantService;
  apps: AppService;
  keys: KeyService;
  messages: MessageService;
  schedules: ScheduleService;
  usage: UsageService;
  operator: OperatorAuth;
  logger: Logger;
  clock: Clock;
  /** Service version reported by /v1/health. */
  version: string;
}
