import type { ChainLink } from '../messages/model';
import { AppNotFoundError } from './errors';
import type { AppStore } from './port';

/** The chain links a create or update names (`null` clears one on an update). */
export interface ChainLinks {
  onSuccess?: ChainLink | null;
  onFailure?: ChainLink | null;
}

/**
 * Refuses chain links to apps the tenant does not have: 404 `app_not_found`, the same answer for another tenant's app
 * as for a missing one (so a link tells nothing about other tenants).
 */
export const requireChainApps = async (apps: Pick<AppStore, 'exists'>, tenantId: string, links: ChainLinks): Promise<void> => {
  for (const link of [links.onSuccess, links.onFailure])
    if (link && !(await apps.exists(tenantId, link.appId))) throw new AppNotFoundError(link.appId);
};

/** The links of an update applied to what is stored: a given link replaces, `null` removes, absent keeps. */
export const mergeChainLinks = <T extends { onSuccess?: ChainLink; onFailure?: ChainLink }>(current: T, update: ChainLinks): T => {
  const out = { ...current };
  for (const k of ['onSuccess', 'onFailure'] as const) {
    const v = update[k];
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
};
