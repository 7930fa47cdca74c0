import { KeyScopeError } from './errors';
import type { Principal } from './model';

/** Throws unless the principal is a control key. */
export const requireControl = (p: Principal): void => {
  if (p.scope !== 'control')
    throw new KeyScopeError("this operation needs a control key; a data key can only manage its own app's messages and schedules");
};

/** Throws unless the principal may act on `appId` (a control key, or a data key bound to that app). */
export const requireAppAccess = (p: Principal, appId: string): void => {
  // Names only the caller's own app: the resource's app is not the caller's to learn.
  if (p.scope === 'data' && p.appId !== appId)
    throw new KeyScopeError(`this data key is bound to app ${p.appId} and cannot act on another app's messages or schedules`);
};

/** The app a request acts on: a data key's own app, or the `appId` a control key names. */
export const resolveAppId = (p: Principal, appId: string | undefined): string | undefined => {
  if (p.scope === 'data') {
    if (appId !== undefined) requireAppAccess(p, appId);
    return p.appId;
  }
  return appId;
};
