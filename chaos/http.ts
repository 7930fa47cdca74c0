/**
 * A parsed JSON answer, read without a schema. Raw HTTP on purpose: these scenarios also run against a server the
 * typed client does not describe.
 */
// biome-ignore lint/suspicious/noExplicitAny: the scenarios read fields of untyped answers; a wrong one fails the run
type Json = any;

/** The status, parsed body and headers of one answer, whatever the status. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** A small JSON-over-fetch client for the chaos scenarios: throws on any non-2xx answer. */
export interface JsonClient {
  get(path: string): Promise<Json>;
  post(path: string, body?: unknown): Promise<Json>;
  patch(path: string, body: unknown): Promise<Json>;
  del(path: string): Promise<void>;
  /** The status and parsed body, whatever the status. */
  call(method: string, path: string, body?: unknown): Promise<JsonAnswer>;
}

export const jsonClient = (baseUrl: string, auth: Record<string, string> = {}): JsonClient => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as never;
  };
  return {
    get: (path) => ok('GET', path),
    post: (path, body) => ok('POST', path, body ?? {}),
    patch: (path, body) => ok('PATCH', path, body),
    del: async (path) => void (await ok('DELETE', path)),
    call,
  };
};

/** A fresh tenant (on the unlimited plan unless told), made with the operator's admin token: its control key and a client holding it. */
export const newTenantClient = async (
  baseUrl: string,
  adminToken: string,
  name: string,
  plan = 'unlimited',
): Promise<{ key: string; client: JsonClient }> => {
  const t = await jsonClient(baseUrl, { authorization: `Bearer ${adminToken}` }).post('/v1/tenants', { name, plan });
  return { key: t.controlKey.key, client: jsonClient(baseUrl, { 'x-api-key': t.controlKey.key }) };
};
