import type { App } from '../apps/model';
import type { AppStore } from '../apps/port';
import { iso, spanText, type Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';

/** What disabling an app needs. */
export interface DisableDeps {
  apps: Pick<AppStore, 'get' | 'update'>;
  clock: Clock;
  logger: Logger;
}

/**
 * Disables an app whose deliveries have all failed since `since` (the circuit breaker's report): its
 * later deliveries fail at once, without a request, until the tenant sets it `active` again. The app is
 * read afresh and left alone if the tenant changed it meanwhile (a change restarts the count). Logs the
 * operational event `app_disabled`; the app shows `disabledAt` and `disabledReason`. Never throws.
 */
export const disableFailingApp = async (deps: DisableDeps, app: App, since: number): Promise<void> => {
  try {
    const current = await deps.apps.get(app.tenantId, app.id);
    if (!current || current.status === 'disabled' || current.updatedAt > app.updatedAt) return;
    const now = deps.clock.now();
    const reason = `every delivery attempt failed for ${spanText(now - since)}, since ${iso(since)}`;
    await deps.apps.update({ ...current, status: 'disabled', disabledAt: now, disabledReason: reason, updatedAt: now });
    deps.logger.warn('app disabled after days of failed deliveries', {
      event: 'app_disabled',
      tenantId: app.tenantId,
      appId: app.id,
      failingSince: iso(since),
      reason,
    });
  } catch (err) {
    deps.logger.error('could not disable a failing app; its deliveries go on', { err, tenantId: app.tenantId, appId: app.id });
  }
};
