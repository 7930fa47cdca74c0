import { iso } from '../domain/clock';
import { defaultHttpMethod, defaultTimeoutMs, type App, type Target } from './model';

/** What a header value reads back as: it is a secret. */
export const hiddenValue = '***';

/** The target as the API shows it: HTTP header names with `"***"` for their values, never the values. */
const toTargetDto = (target: Target) => {
  if (target.type !== 'http') return target;
  const names = target.headers ? Object.keys(target.headers) : undefined;
  return {
    type: target.type,
    url: target.url,
    method: target.method ?? defaultHttpMethod,
    ...(names ? { headers: Object.fromEntries(names.map((n) => [n, hiddenValue])), headerNames: names } : {}),
    timeoutMs: target.timeoutMs ?? defaultTimeoutMs,
  };
};

/** The app as the API shows it: no secret, sealed or not. */
export const toAppDto = (app: App) => ({
  id: app.id,
  name: app.name,
  ...(app.description !== undefined ? { description: app.description } : {}),
  target: toTargetDto(app.target),
  retryPolicy: app.retryPolicy,
  maxConcurrency: app.maxConcurrency,
  ...(app.onSuccess ? { onSuccess: app.onSuccess } : {}),
  ...(app.onFailure ? { onFailure: app.onFailure } : {}),
  status: app.status ?? 'active',
  ...(app.disabledAt !== undefined ? { disabledAt: iso(app.disabledAt) } : {}),
  ...(app.disabledReason !== undefined ? { disabledReason: app.disabledReason } : {}),
  createdAt: iso(app.createdAt),
  updatedAt: iso(app.updatedAt),
});
