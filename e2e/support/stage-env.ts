import { assertTargetUrl } from '../../libs/delivery/ssrf';

/**
 * The e2e suite against a deployed stage (`npm run e2e:stage`) rather than a local server: which
 * variables say so, and what is wrong with them. One check, used by the runner (e2e/stage.ts) before
 * jest starts and by the support code once a test asks for the target or a receiver.
 */

/** Where the tunnel forwards to when PUNCTUAL_E2E_RECEIVER_PORT is not set. */
export const defaultReceiverPort = 8787;

/** The variables, with what each one is for (the runner prints these). */
export const stageVariables = {
  PUNCTUAL_E2E_BASE_URL: "the stage's API root, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/dev",
  PUNCTUAL_E2E_ID_TOKEN:
    "a Cognito ID token of the operators' user pool (or PUNCTUAL_E2E_ADMIN_TOKEN: an operator token the stage accepts)",
  PUNCTUAL_E2E_RECEIVER_URL:
    `a public URL that forwards to http://127.0.0.1:${defaultReceiverPort} here (or PUNCTUAL_E2E_RECEIVER_PORT), ` +
    `e.g. a tunnel's https://abc.trycloudflare.com`,
} as const;

/** A valid stage configuration. */
export interface StageEnv {
  baseUrl: string;
  /** Sent as `Authorization: Bearer` on `POST /v1/tenants`. */
  operatorToken: string;
  /** Which variable the operator token came from. */
  operatorTokenFrom: 'PUNCTUAL_E2E_ID_TOKEN' | 'PUNCTUAL_E2E_ADMIN_TOKEN';
  /** When the ID token expires (ms since the epoch); undefined for an admin token. */
  operatorTokenExpiresAt?: number;
  /** The receiver's public URL, no trailing slash. */
  receiverUrl: string;
  /** The local port the receiver listens on, where the tunnel forwards. */
  receiverPort: number;
}

export type StageCheck = { ok: true; stage: StageEnv } | { ok: false; missing: string[]; problems: string[] };

/** Most of a suite run: an ID token that expires sooner fails half-way through, with 401s that look like bugs. */
const tokenMarginMs = 5 * 60_000;

const httpUrl = (value: string): URL | undefined => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
};

/** The claims of a JWT, or undefined when `token` is not one (the signature is the stage's business). */
const jwtClaims = (token: string): Record<string, unknown> | undefined => {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const set = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** True when the environment points the suite at a deployed stage. */
export const isStageRun = (env: NodeJS.ProcessEnv = process.env): boolean => set(env, 'PUNCTUAL_E2E_BASE_URL') !== undefined;

/** Checks every stage variable at once, so one run names everything that needs fixing. */
export const checkStageEnv = (env: NodeJS.ProcessEnv, now = Date.now()): StageCheck => {
  const missing: string[] = [];
  const problems: string[] = [];

  const base = set(env, 'PUNCTUAL_E2E_BASE_URL');
  if (!base) missing.push('PUNCTUAL_E2E_BASE_URL');
  else if (!httpUrl(base)) problems.push(`PUNCTUAL_E2E_BASE_URL is not an http(s) URL: ${JSON.stringify(base)}`);

  const idToken = set(env, 'PUNCTUAL_E2E_ID_TOKEN');
  const adminToken = set(env, 'PUNCTUAL_E2E_ADMIN_TOKEN');
  let expiresAt: number | undefined;
  if (idToken) {
    const claims = jwtClaims(idToken);
    if (!claims) problems.push('PUNCTUAL_E2E_ID_TOKEN is not a JWT (three base64url parts); pass the IdToken of a Cognito sign-in');
    else if (claims.token_use !== 'id')
      problems.push(
        `PUNCTUAL_E2E_ID_TOKEN is a Cognito ${String(claims.token_use ?? 'unknown')} token; the stage accepts the ID token only`,
      );
    else if (typeof claims.exp === 'number') {
      expiresAt = claims.exp * 1000;
      if (expiresAt <= now) problems.push(`PUNCTUAL_E2E_ID_TOKEN expired at ${new Date(expiresAt).toISOString()}; sign in again`);
      else if (expiresAt - now < tokenMarginMs)
        problems.push(`PUNCTUAL_E2E_ID_TOKEN expires at ${new Date(expiresAt).toISOString()}, before a run would finish; sign in again`);
    }
  } else if (!adminToken) missing.push('PUNCTUAL_E2E_ID_TOKEN');

  const receiver = set(env, 'PUNCTUAL_E2E_RECEIVER_URL');
  const receiverUrl = receiver ? httpUrl(receiver) : undefined;
  if (!receiver) missing.push('PUNCTUAL_E2E_RECEIVER_URL');
  else if (!receiverUrl) problems.push(`PUNCTUAL_E2E_RECEIVER_URL is not an http(s) URL: ${JSON.stringify(receiver)}`);
  else {
    try {
      // What the stage itself checks when an app is created: a loopback or private URL cannot work.
      assertTargetUrl(receiver, { allowPrivateTargets: false });
    } catch {
      problems.push(
        `PUNCTUAL_E2E_RECEIVER_URL must be public (the stage cannot reach ${receiverUrl.hostname}): ` +
          'point a tunnel at the receiver port and use its URL',
      );
    }
    if (receiverUrl.search || receiverUrl.hash)
      problems.push('PUNCTUAL_E2E_RECEIVER_URL must have no query or fragment (tests append paths to it)');
  }

  const portValue = set(env, 'PUNCTUAL_E2E_RECEIVER_PORT');
  const port = portValue === undefined ? defaultReceiverPort : Number(portValue);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    problems.push(`PUNCTUAL_E2E_RECEIVER_PORT is not a TCP port: ${JSON.stringify(portValue)}`);

  if (missing.length || problems.length) return { ok: false, missing, problems };
  return {
    ok: true,
    stage: {
      baseUrl: base!.replace(/\/+$/, ''),
      operatorToken: (idToken ?? adminToken)!,
      operatorTokenFrom: idToken ? 'PUNCTUAL_E2E_ID_TOKEN' : 'PUNCTUAL_E2E_ADMIN_TOKEN',
      ...(expiresAt !== undefined ? { operatorTokenExpiresAt: expiresAt } : {}),
      receiverUrl: receiver!.replace(/\/+$/, ''),
      receiverPort: port,
    },
  };
};

/** The report of a failed check: the missing variables with what each is for, then the problems. */
export const describeStageProblems = (check: Extract<StageCheck, { ok: false }>): string => {
  const lines: string[] = [];
  if (check.missing.length) {
    lines.push(`missing: ${check.missing.join(', ')}`);
    for (const name of check.missing) lines.push(`  ${name}: ${stageVariables[name as keyof typeof stageVariables]}`);
  }
  lines.push(...check.problems);
  return lines.join('\n');
};

/**
 * The stage the suite runs against, or undefined for a local run. Throws when PUNCTUAL_E2E_BASE_URL is
 * set but the rest is not usable: half a stage configuration must not quietly test something else.
 */
export const stageFromEnv = (env: NodeJS.ProcessEnv = process.env): StageEnv | undefined => {
  if (!isStageRun(env)) return undefined;
  const check = checkStageEnv(env);
  if (!check.ok)
    throw new Error(`PUNCTUAL_E2E_BASE_URL is set, but the stage configuration is not usable:\n${describeStageProblems(check)}`);
  return check.stage;
};
