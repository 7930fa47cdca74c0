import type { Page, PageRequest } from '../domain/page';
import { isSealed, type SecretBox } from '../secrets/port';
import type { App, Target } from './model';
import type { AppStore } from './port';

/**
 * Which parts of an app are secrets, and how they are sealed and opened. Sealed: the signing secrets
 * (current and previous) and an HTTP target's header values. The services seal what they receive and
 * store, read and return sealed apps (the API shows no secret but the one just made); only the engines
 * read through `openedApps`, since only a delivery needs the plain values.
 */

/** What a sealed value of the app is bound to: it opens only within the same app. */
const contextOf = (app: Pick<App, 'tenantId' | 'id'>): string => `${app.tenantId}/${app.id}`;

/** Applies `f` to each secret value of a target (HTTP header values; the other types carry none). */
const mapTarget = async (target: Target, f: (value: string) => Promise<string>): Promise<Target> => {
  if (target.type !== 'http' || !target.headers) return target;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(target.headers)) headers[name] = await f(value);
  return { ...target, headers };
};

/** Applies `f` to each secret value of an app. */
const mapApp = async (app: App, f: (value: string) => Promise<string>): Promise<App> => ({
  ...app,
  target: await mapTarget(app.target, f),
  signingSecret: await f(app.signingSecret),
  ...(app.previousSecret !== undefined ? { previousSecret: await f(app.previousSecret) } : {}),
});

/** A target of `app` with its header values sealed (they came in a request, in clear). */
export const sealTarget = (box: SecretBox, app: Pick<App, 'tenantId' | 'id'>, target: Target): Promise<Target> =>
  mapTarget(target, (v) => box.seal(v, contextOf(app)));

/** A secret of `app` sealed (a new signing secret). */
export const sealSecret = (box: SecretBox, app: Pick<App, 'tenantId' | 'id'>, secret: string): Promise<string> =>
  box.seal(secret, contextOf(app));

/**
 * The app with every secret sealed; values already sealed stay as they are. For records in clear only:
 * a new app, or one stored before encryption (the start-up migration).
 */
export const sealApp = (box: SecretBox, app: App): Promise<App> =>
  mapApp(app, async (v) => (isSealed(v) ? v : box.seal(v, contextOf(app))));

/** The app with every secret opened; a value in clear (stored before encryption, not migrated yet) is taken as it is. */
export const openApp = (box: SecretBox, app: App): Promise<App> =>
  mapApp(app, async (v) => (isSealed(v) ? box.open(v, contextOf(app)) : v));

/** Whether any secret of the app is still in clear (a record from before encryption). */
export const hasPlainSecrets = (app: App): boolean =>
  !isSealed(app.signingSecret) ||
  (app.previousSecret !== undefined && !isSealed(app.previousSecret)) ||
  (app.target.type === 'http' && Object.values(app.target.headers ?? {}).some((v) => !isSealed(v)));

/** The engines' view of the app store: reads open the secrets. It never writes. */
export const openedApps = (store: AppStore, box: SecretBox): AppStore => ({
  get: async (tenantId, appId) => {
    const app = await store.get(tenantId, appId);
    return app && openApp(box, app);
  },
  exists: (tenantId, appId) => store.exists(tenantId, appId),
  list: async (tenantId: string, page: PageRequest): Promise<Page<App>> => {
    const p = await store.list(tenantId, page);
    return { ...p, items: await Promise.all(p.items.map((a) => openApp(box, a))) };
  },
  create: () => Promise.reject(new Error('the opened view of the app store is read-only')),
  update: () => Promise.reject(new Error('the opened view of the app store is read-only')),
  delete: () => Promise.reject(new Error('the opened view of the app store is read-only')),
});
