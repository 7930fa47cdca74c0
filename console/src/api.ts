/**
 * The console's API client: `fetch` with the signed-in key as `x-api-key`, against the API beside the page (the console
 * is served at `<base>/console`, the API at `<base>/v1/…`, whatever `<base>` is: a stage, a base path, nothing).
 */

const storageKey = 'punctual.console.key';

/** The API root the page was served under. */
export const apiBase = (): string => window.location.pathname.replace(/\/console\/?$/, '');

/** A failed call: the API's error body, or a network failure described as one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; issue: string }[],
  ) {
    super(message);
  }
}

export const session = {
  /** The key this tab is signed in with (sessionStorage: gone when the tab closes). */
  key: (): string | null => sessionStorage.getItem(storageKey),
  signIn: (key: string) => sessionStorage.setItem(storageKey, key),
  signOut: () => sessionStorage.removeItem(storageKey),
};

/**
 * Whether the API last said this tenant is suspended (403 `tenant_suspended`): every call is refused then, so the
 * console says it once, above the page, rather than only in each refused section. Any answered call clears it.
 */
export const suspension = {
  suspended: false,
  listeners: new Set<(suspended: boolean) => void>(),
  /** Records what the latest answer said; listeners hear of a change only. */
  note(suspended: boolean): void {
    if (suspended === this.suspended) return;
    this.suspended = suspended;
    for (const l of this.listeners) l(suspended);
  },
  on(listener: (suspended: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  },
};

/** Calls the API; resolves with the parsed body (undefined for 204), rejects with ApiError. */
export const call = async <T>(method: string, path: string, body?: unknown, key = session.key()): Promise<T> => {
  const headers: Record<string, string> = {};
  if (key) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${apiBase()}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached; check your connection and try again');
  }
  if (res.ok) suspension.note(false);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const e = (parsed ?? {}) as { error?: string; message?: string; details?: { path: string; issue: string }[] };
    if (e.error === 'tenant_suspended') suspension.note(true);
    throw new ApiError(res.status, e.error ?? `http_${res.status}`, e.message ?? `the server answered ${res.status}`, e.details);
  }
  return parsed as T;
};

/** A query string from the defined values of `params`. */
export const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** The message of an error for a person: the API's own for an ApiError. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
