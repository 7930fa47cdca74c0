import type { AppStore } from '../apps/port';
import type { KeyStore } from '../keys/port';
import type { MessageStore } from '../messages/port';
import type { ScheduleStore } from '../schedules/port';
import type { TenantStore } from '../tenancy/port';
import type { UsageStore } from '../usage/port';

/** Every store port: what each adapter (SQLite, DynamoDB) builds over its storage. */
export interface Stores {
  tenants: TenantStore;
  apps: AppStore;
  keys: KeyStore;
  messages: MessageStore;
  schedules: ScheduleStore;
  usage: UsageStore;
}
