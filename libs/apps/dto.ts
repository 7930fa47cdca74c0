import { iso } from '../domain/clock';
import { defaultTimeoutMs, type App } from './model';

/** The app as the API shows it: header names only, never values or secrets. */
export const toAppDto = (app: App) => ({
  id: app.id,
  name: app.name,
  ...(app.description !== undefined ? { description: app.description } : {}),
  target: {
    type: app.target.type,
    url: app.target.url,
    ...(app.target.headers ? { headerNames: Object.keys(app.target.headers) } : {}),
    timeoutMs: app.target.timeoutMs ?? defaultTimeoutMs,
  },
  retryPolicy: app.retryPolicy,
  maxConcurrency: app.maxConcurrency,
  status: app.status ?? 'active',
  ...(app.disabledAt !== undefined ? { disabledAt: iso(app.disabledAt) } : {}),
  ...(app.disabledReason !== undefined ? { disabledReason: app.disabledReason } : {}),
  createdAt: iso(app.createdAt),
  updatedAt: iso(app.updatedAt),
});
