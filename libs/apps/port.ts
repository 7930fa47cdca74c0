import type { Page, PageRequest } from '../domain/page';
import type { App } from './model';

/** Persistence of apps. */
export interface AppStore {
  /** Inserts a new app. */
  create(app: App): Promise<void>;
  /** The tenant's app, or undefined (also for another tenant's id). */
  get(tenantId: string, appId: string): Promise<App | undefined>;
  /** Whether `get` would find the app (message creation checks only that; a store may answer without building the record). */
  exists(tenantId: string, appId: string): Promise<boolean>;
  /** The tenant's apps, newest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<App>>;
  /** Replaces an existing app; throws `AppNotFoundError` when it does not exist. */
  update(app: App): Promise<void>;
  /** Removes the app; returns whether it existed. */
  delete(tenantId: string, appId: string): Promise<boolean>;
}
