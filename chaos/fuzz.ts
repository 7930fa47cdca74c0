import fc from 'fast-check';
import { errorTable } from '../libs/http/errors';
import { errorBodyProblems } from '../test/support/error-body';
import { routes as routeTable, type Route } from '../libs/http/routes';
import { jsonClient } from './http';
import { rawRequest, type RawRequest, type RawResponse } from './raw-http';

/**
 * Hostile-input fuzzing of every route in the route table, over raw sockets (so malformed
 * headers, bodies and targets reach the server exactly as written). Used by
 * `libs/gateway/fuzz.int.test.ts` (fixed seed, few runs) and `npm run chaos` (many runs).
 */

/** Resources the fuzzer aims at: real ones of its tenant, a foreign tenant's, and ones it may destroy. */
export interface FuzzFixture {
  port: number;
  adminToken: string;
  controlKey: string;
  dataKey: string;
  /** Real ids of the fuzzing tenant, by path parameter name (`appId`, `messageId`, …). */
  own: Record<string, string>;
  /** Ids a DELETE may remove without spoiling later runs. */
  expendable: Record<string, string[]>;
  /** Another tenant's ids: answering 2xx to them would be a leak. */
  foreign: Record<string, string>;
  /** A URL apps may target (a local receiver). */
  targetUrl: string;
}

/** Every `error` code the API may answer with: the error table's, and the gateway's own. */
export const knownErrorCodes: ReadonlySet<string> = new Set([
  ...errorTable.map(([, , code]) => code),
  'internal',
  'not_found',
  'method_not_allowed', // the gateway's 405 (not yet in openapi.yaml's ErrorCode list)
]);

const snakeCase = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** What is wrong with a response, or undefined when it keeps the contract. */
export const checkResponse = (req: FuzzCase, res: RawResponse): string | undefined => {
  if (res.status === 0) return `no response (${res.error})`;
  if (res.status >= 500) return `answered ${res.status}: ${res.body.slice(0, 200)}`;
  if (res.status >= 300 && res.status < 400) return `answered a redirect ${res.status}`;
  if (res.status >= 400) {
    let body: { error?: unknown; message?: unknown };
    try {
      body = JSON.parse(res.body) as typeof body;
    } catch {
      return `${res.status} without a JSON body: ${JSON.stringify(res.body.slice(0, 100))}`;
    }
    if (typeof body.error !== 'string' || !snakeCase.test(body.error)) return `${res.status} with error code ${JSON.stringify(body.error)}`;
    if (!knownErrorCodes.has(body.error)) return `${res.status} with an unregistered error code "${body.error}"`;
    if (typeof body.message !== 'string' || body.message.length === 0) return `${res.status} ${body.error} without a message`;
    if (res.status === 429 && !/^\d+$/.test(res.headers['retry-after'] ?? '')) return `429 ${body.error} without Retry-After`;
    const problems = errorBodyProblems(body);
    if (problems.length) return `${res.status} ${body.error} breaks openapi.yaml's Error: ${problems.join('; ')}`;
  }
  if (res.status >= 200 && res.status < 300 && req.foreign) return `answered ${res.status} to another tenant's id (${req.request.target})`;
  return undefined;
};

/** One generated request and what it aims at. */
export interface FuzzCase {
  route: Route;
  request: RawRequest;
  /** True when the path holds another tenant's id. */
  foreign: boolean;
}

// ---- arbitraries -------------------------------------------------------------------------

const fieldNames = [
  'name',
  'description',
  'target',
  'type',
  'url',
  'headers',
  'timeoutMs',
  'retryPolicy',
  'maxAttempts',
  'baseDelayMs',
  'maxDelayMs',
  'maxConcurrency',
  'appId',
  'payload',
  'sendAt',
  'delaySeconds',
  'idempotencyKey',
  'items',
  'scope',
  'plan',
  'expression',
  'timezone',
  'startAt',
  'endAt',
  'enabled',
  'misfireGraceSeconds',
  '__proto__',
  'constructor',
] as const;

const nastyStrings = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e\u0041',
  '\ufeff',
  '\r\n',
  '../../etc/passwd',
  '%00',
  '%zz',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'NaN',
  '-0',
  '1e309',
  'null',
  '{}',
  '__proto__',
  'http://169.254.169.254/latest/meta-data',
  'cron(* * * * ? *)',
  'rate(0 minutes)',
  'at(9999-99-99T99:99:99)',
  'Etc/GMT+99',
  'Europe/../../etc',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2027-02-30T00:00:00Z',
  '2027-01-01T00:00:00+25:00',
  'Z̷̢͎a̸l̵g̴o̶',
  '😀'.repeat(50),
];

const junkString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'x'.repeat(n)) },
);

const junkNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 0.5, -0, 1e-320, 86_400_001, 31_536_001),
);

/** Any JSON value, biased towards our field names and nasty strings. */
const junkValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    junkString,
    junkNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Bodies that are not a JSON object at all, or not JSON. */
const rawBodies = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '}',
    '[]',
    'null',
    '"str"',
    '1e400',
    '-',
    '{"a":1,"a":2}',
    '\ufeff{}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"payload": 1e400}',
    '{"delaySeconds": 1e400}',
    'NaN',
    '{"x":"\\ud800"}',
    '{"name": "\\u0000"}',
    "{'single': 'quotes'}",
    '{"trailing":1,}',
    '[1,2',
    'true false',
  ),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 129, max: 100_000 }).map((n) => `{"payload":${'['.repeat(n)}${']'.repeat(n)}}`),
  fc.integer({ min: 129, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.integer({ min: 256 * 1024 + 1, max: 400 * 1024 }).map((n) => `{"payload":"${'y'.repeat(n)}"}`),
);

/** A plausible body per operation, so mutations reach deep validation; routes without one get random objects. */
const templates = (f: FuzzFixture): Record<string, () => unknown> => {
  const message = () => ({
    appId: f.own.appId,
    payload: { a: [1, 'b'] },
    delaySeconds: 3_600,
    idempotencyKey: 'k',
    headers: { 'x-a': 'b' },
    retryPolicy: { maxAttempts: 2 },
  });
  const app = () => ({
    name: 'fuzz',
    target: { type: 'http', url: f.targetUrl, headers: { 'x-h': 'v' }, timeoutMs: 1_000 },
    retryPolicy: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    maxConcurrency: 4,
  });
  const schedule = () => ({
    appId: f.own.appId,
    name: 's',
    expression: 'rate(1 hour)',
    timezone: 'Europe/Paris',
    payload: {},
    enabled: false,
  });
  return {
    createTenant: () => ({ name: 'fuzz', plan: 'free' }),
    createApp: app,
    updateApp: app,
    createKey: () => ({ name: 'k', scope: 'data', appId: f.own.appId }),
    createMessage: message,
    createMessageBatch: () => ({ items: [message(), message()] }),
    redriveMessage: () => ({ sendAt: '2030-01-01T00:00:00Z' }),
    createSchedule: schedule,
    updateSchedule: () => ({ name: 's2', expression: 'cron(0 9 ? * MON-FRI *)', timezone: 'UTC' }),
  };
};

/** Every path to a value inside `v`, as key lists. */
const pathsOf = (v: unknown, prefix: string[] = []): string[][] => {
  if (v === null || typeof v !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, child] of Object.entries(v)) out.push(...pathsOf(child, [...prefix, k]));
  return out;
};

/** `base` with one path replaced, removed, or given an unknown sibling. */
const mutate = (base: unknown, pick: number, op: 'replace' | 'delete' | 'add', value: unknown): unknown => {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const paths = pathsOf(copy);
  if (!paths.length) return value;
  const path = paths[pick % paths.length];
  let parent: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (op === 'replace') parent[last] = value;
  else if (op === 'delete') delete parent[last];
  else parent[`${last}_extra`] = value;
  return copy;
};

const idJunk = fc.oneof(
  fc.constantFrom(
    'msg_2JQvbRmD6dO5fNPVfjDtUw0ahbe',
    'app_',
    'key_x',
    '%',
    '%zz',
    '%00',
    '%2F..%2F',
    '..',
    '.',
    '%E2%80%AE',
    '%ED%A0%80',
    'a%20b',
  ),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 300, max: 6_000 }).map((n) => 'i'.repeat(n)),
);

const queryKeys = ['status', 'appId', 'scheduleId', 'limit', 'cursor', 'from', 'to', 'keyId', 'unknown'] as const;

const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(
        fc.constantFrom(...queryKeys),
        fc.oneof(junkString, junkNumber.map(String), fc.constantFrom('scheduled', '100', '2027-01-01')),
        { maxKeys: 3 },
      )
      .map((q) => (Object.keys(q).length ? `?${new URLSearchParams(q as Record<string, string>).toString()}` : '')),
  },
  { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?limit', '?limit=%', '?cursor=%FF', '?a=1&a=2', '?__proto__[x]=1', '?limit=1e400') },
);

type Auth = 'control' | 'data' | 'none' | 'junk' | 'long' | 'admin' | 'junk-admin';

const headerValueJunk = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 30 }).filter((s) => !/[\r\n]/.test(s)),
  fc.constantFrom('\u0001', 'a\u007fb', '\u00ff\u00fe', 'é'),
);

/** A whole request for `route`. */
export const caseFor = (route: Route, f: FuzzFixture): fc.Arbitrary<FuzzCase> => {
  const template = templates(f)[route.operationId] as (() => unknown) | undefined;
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const mutation = fc.tuple(fc.nat(), fc.constantFrom<'replace' | 'delete' | 'add'>('replace', 'delete', 'add'), junkValue);
  const bodies: fc.WeightedArbitrary<string | undefined>[] = [
    { weight: 2, arbitrary: junkValue.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: rawBodies },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ];
  if (template) {
    bodies.push({ weight: 6, arbitrary: mutation.map(([pick, op, v]) => JSON.stringify(mutate(template(), pick, op, v))) });
    bodies.push({ weight: 1, arbitrary: fc.constant(null).map(() => JSON.stringify(template())) });
  }
  const body: fc.Arbitrary<string | undefined> =
    route.body === 'none'
      ? fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: rawBodies })
      : fc.oneof(...bodies);
  const auth: fc.Arbitrary<Auth> =
    route.access === 'operator'
      ? fc.constantFrom<Auth>('admin', 'admin', 'admin', 'junk-admin', 'none', 'control')
      : fc.constantFrom<Auth>('control', 'control', 'control', 'control', 'data', 'data', 'none', 'junk', 'long');
  const param = fc.oneof(
    { weight: 5, arbitrary: fc.constant<'own'>('own') },
    { weight: 2, arbitrary: fc.constant<'foreign'>('foreign') },
    { weight: 3, arbitrary: idJunk },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'text/plain',
        '',
        'application/merge-patch+json',
        'APPLICATION/JSON',
        'application/jsonx',
        'multipart/form-data; boundary=x',
      ),
    },
    { weight: 1, arbitrary: fc.constant<undefined>(undefined) },
  );
  const extraHeader = fc.oneof(
    { weight: 12, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 1, arbitrary: headerValueJunk.map((v): [string, string][] => [['x-junk', v]]) },
    {
      weight: 1,
      arbitrary: fc.constant<[string, string][]>([
        ['content-length', '5'],
        ['content-length', '7'],
      ]),
    },
    {
      weight: 1,
      arbitrary: fc.constant<[string, string][]>([
        ['transfer-encoding', 'chunked'],
        ['content-length', '3'],
      ]),
    },
    { weight: 1, arbitrary: fc.integer({ min: 17_000, max: 40_000 }).map((n): [string, string][] => [['x-huge', 'h'.repeat(n)]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([['bad header name', 'x']]) },
    {
      weight: 1,
      arbitrary: fc.constant<[string, string][]>([
        ['x-api-key', 'pk_a'],
        ['x-api-key', 'pk_b'],
      ]),
    },
  );
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'TRACE', 'BREW') },
  );
  const pieces = fc.oneof({ weight: 15, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 5 }) });

  return fc
    .record({
      method,
      paramChoice: fc.array(param, { minLength: params.length, maxLength: params.length }),
      query: route.method === 'GET' ? query : fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: query }),
      body,
      auth,
      contentType,
      extraHeader,
      pieces,
      junkKey: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    })
    .map((r): FuzzCase => {
      let foreign = false;
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const choice = r.paramChoice[params.indexOf(name)];
        if (choice === 'foreign') {
          foreign = true;
          return f.foreign[name] ?? 'missing';
        }
        if (choice === 'own') return (r.method === 'DELETE' ? f.expendable[name]?.[0] : undefined) ?? f.own[name] ?? 'missing';
        return choice;
      });
      const headers: [string, string][] = [];
      const a = r.auth;
      if (a === 'control') headers.push(['x-api-key', f.controlKey]);
      else if (a === 'data') headers.push(['x-api-key', f.dataKey]);
      else if (a === 'junk') headers.push(['x-api-key', `pk_${r.junkKey}`]);
      else if (a === 'long') headers.push(['x-api-key', 'k'.repeat(5_000)]);
      else if (a === 'admin') headers.push(['authorization', `Bearer ${f.adminToken}`]);
      else if (a === 'junk-admin') headers.push(['authorization', 'Bearer not-the-token']);
      if (r.body !== undefined && r.contentType !== undefined) headers.push(['content-type', r.contentType]);
      headers.push(...r.extraHeader);
      const request: RawRequest = {
        method: r.method,
        target: `${path}${r.query}`,
        headers,
        ...(r.body !== undefined ? { body: Buffer.from(r.body, 'utf8') } : {}),
        ...(r.pieces > 1 ? { pieces: r.pieces, pauseMs: 20 } : {}),
      };
      return { route, request, foreign };
    });
};

/** What a fuzzing run found. */
export interface FuzzReport {
  requests: number;
  /** Responses by status code. */
  statuses: Record<number, number>;
  /** Responses of 500 or more. */
  serverErrors: number;
  /** Contract violations, with the request that caused each (first 50). */
  violations: { route: string; problem: string; request: string }[];
  violationCount: number;
}

const describe = (c: FuzzCase): string => {
  const body = c.request.body
    ? ` body(${c.request.body.length} B)=${JSON.stringify(c.request.body.subarray(0, 160).toString('utf8'))}`
    : '';
  const target = c.request.target.length > 160 ? `${c.request.target.slice(0, 160)}…(${c.request.target.length})` : c.request.target;
  const headers = c.request.headers.map(([n, v]) => `${n}: ${v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v}`).join(' | ');
  return `${c.request.method} ${target} [${headers}]${body}`;
};

/** Sends `runsPerRoute` generated requests to every route (seeded, so a failure can be replayed), `concurrency` at a time. */
export const fuzzRoutes = async (
  f: FuzzFixture,
  options: { seed: number; runsPerRoute: number; concurrency?: number; routes?: readonly Route[]; deadlineMs?: number },
): Promise<FuzzReport> => {
  const report: FuzzReport = { requests: 0, statuses: {}, serverErrors: 0, violations: [], violationCount: 0 };
  const deadline = Date.now() + (options.deadlineMs ?? Infinity);
  const cases: FuzzCase[] = [];
  for (const [i, route] of (options.routes ?? routeTable).entries()) {
    cases.push(...fc.sample(caseFor(route, f), { seed: options.seed + i, numRuns: options.runsPerRoute }));
  }
  let next = 0;
  const worker = async () => {
    while (next < cases.length && Date.now() < deadline) {
      const c = cases[next++];
      const res = await rawRequest(f.port, c.request);
      report.requests++;
      report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
      if (res.status >= 500) report.serverErrors++;
      const problem = checkResponse(c, res);
      if (problem) {
        report.violationCount++;
        if (report.violations.length < 50)
          report.violations.push({ route: `${c.route.method} ${c.route.path}`, problem, request: describe(c) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return report;
};

/** Creates the fuzzing tenant (app, message, schedule, data key, expendable copies) and a foreign tenant. */
export const prepareFuzzFixture = async (baseUrl: string, adminToken: string, targetUrl: string): Promise<FuzzFixture> => {
  const operator = jsonClient(baseUrl, { authorization: `Bearer ${adminToken}` });
  const tenant = async () => {
    const t = await operator.post('/v1/tenants', { name: 'fuzz', plan: 'unlimited' });
    const c = jsonClient(baseUrl, { 'x-api-key': t.controlKey.key });
    const app = await c.post('/v1/apps', { name: 'fuzz', target: { type: 'http', url: targetUrl } });
    const message = await c.post('/v1/messages', { appId: app.id, delaySeconds: 3_600, payload: { fuzz: true } });
    const schedule = await c.post('/v1/schedules', {
      appId: app.id,
      name: 'fuzz',
      expression: 'rate(1 hour)',
      payload: {},
      enabled: false,
    });
    const key = await c.post('/v1/keys', { scope: 'data', appId: app.id, name: 'fuzz-data' });
    return {
      c,
      controlKey: t.controlKey.key as string,
      dataKey: key.key as string,
      ids: { appId: app.id, messageId: message.id, scheduleId: schedule.id, keyId: key.id } as Record<string, string>,
    };
  };
  const mine = await tenant();
  const theirs = await tenant();
  const expendable: Record<string, string[]> = { appId: [], keyId: [], scheduleId: [], messageId: [] };
  const spareApp = await mine.c.post('/v1/apps', { name: 'spare', target: { type: 'http', url: targetUrl } });
  expendable.appId.push(spareApp.id);
  expendable.keyId.push((await mine.c.post('/v1/keys', { scope: 'data', appId: spareApp.id })).id);
  expendable.scheduleId.push(
    (await mine.c.post('/v1/schedules', { appId: spareApp.id, name: 'spare', expression: 'rate(1 hour)', payload: {}, enabled: false })).id,
  );
  expendable.messageId.push((await mine.c.post('/v1/messages', { appId: spareApp.id, delaySeconds: 3_600, payload: {} })).id);
  return {
    port: Number(new URL(baseUrl).port),
    adminToken,
    controlKey: mine.controlKey,
    dataKey: mine.dataKey,
    own: mine.ids,
    expendable,
    foreign: theirs.ids,
    targetUrl,
  };
};
