import { resolve } from 'node:path';
import { closest } from '../domain/closest';
import { hostedPorts } from '../delivery/ssrf';
import { defaultResponseExcerptBytes, maxResponseExcerptBytes } from '../delivery/webhook';
import type { LogLevel } from '../observability/logger';
import { levels } from '../observability/logger';
import { loadPlans } from '../plans/catalogue';
import { parseSecretsKey } from '../secrets/key-file';

/** Configuration of the embedded runtime, read from the environment here and nowhere else. */
export interface LocalConfig {
  /** @default 3000 (`PORT`) */
  port: number;
  /** @default '127.0.0.1' (`PUNCTUAL_HOST`; `0.0.0.0` to serve other machines) */
  host: string;
  /** @default './.punctual' (`PUNCTUAL_DATA_DIR`) */
  dataDir: string;
  /** Operator token for `POST /v1/tenants` (`PUNCTUAL_ADMIN_TOKEN`); generated on first start when unset. */
  adminToken?: string;
  /** @default 'info' (`PUNCTUAL_LOG_LEVEL`) */
  logLevel: LogLevel;
  /** @default true (`PUNCTUAL_ALLOW_PRIVATE_TARGETS`); set false when hosting for others. */
  allowPrivateTargets: boolean;
  /** @default 'NORMAL' (`PUNCTUAL_SQLITE_SYNCHRONOUS`): survives a process crash; FULL also survives power loss. */
  synchronous: 'NORMAL' | 'FULL';
  /** JSON plan catalogue merged over the defaults (`PUNCTUAL_PLANS_FILE`). */
  plansFile?: string;
  /** @default 512 (`PUNCTUAL_MAX_IN_FLIGHT`) deliveries in flight at once. */
  maxInFlight: number;
  /** @default 10000 (`PUNCTUAL_DRAIN_TIMEOUT_MS`) how long shutdown waits for in-flight deliveries. */
  drainTimeoutMs: number;
  /** @default 4096 (`PUNCTUAL_RESPONSE_EXCERPT_BYTES`) bytes of each response kept with its attempt (at most 65536). */
  responseExcerptBytes: number;
  /**
   * The only ports webhooks may use, or `'any'` (`PUNCTUAL_EGRESS_PORTS`: a comma-separated list, or `*`).
   * @default 80, 443, 8080 and 8443 when private targets are refused, `'any'` otherwise
   */
  egressPorts: readonly number[] | 'any';
  /** Most attempts one tenant may start per minute, whatever its plan (`PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE`); unset: none. */
  tenantAttemptsPerMinute?: number;
  /** @default 3 (`PUNCTUAL_APP_DISABLE_AFTER_DAYS`) days of failed deliveries, none succeeding, that disable an app; 0: never. */
  appDisableAfterDays: number;
  /**
   * The key that seals app secrets at rest, 32 bytes (`PUNCTUAL_SECRETS_KEY`, base64).
   * @default the data directory's `secrets.key`, generated with mode 0600 on the first start
   */
  secretsKey?: Buffer;
  /** The SMTP server of `email` targets (`PUNCTUAL_SMTP_URL`: `smtp://` or `smtps://user:pass@host:port`); unset: no email. */
  smtpUrl?: string;
  /** The sender of an `email` target that names none (`PUNCTUAL_EMAIL_FROM`). */
  emailFrom?: string;
  /**
   * Where the clients of SQS, SNS and EventBridge targets send, e.g. an emulator (`PUNCTUAL_AWS_ENDPOINT`).
   * @default unset: the SDK's own resolution (which also honours `AWS_ENDPOINT_URL`)
   */
  awsEndpoint?: string;
  /** A token that reads `GET /metrics` besides the admin token (`PUNCTUAL_METRICS_TOKEN`, ≥ 16 characters). */
  metricsToken?: string;
  /**
   * An SQS queue whose messages are created as API requests (`PUNCTUAL_INGEST_QUEUE_URL`; README, *Ingestion from SNS
   * and SQS*). Refused ones go to its dead-letter queue (its redrive policy). @default unset: no ingestion
   */
  ingestQueueUrl?: string;
}

/** A setting that cannot be used; the message says which and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const int = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
  return n;
};

const bool = (env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean => {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false; got "${env[name]}"`);
};

/** Shortest operator-chosen admin token: it guards tenant creation and administration, so no guessable word. */
export const minAdminTokenLength = 32;

/** `PUNCTUAL_EGRESS_PORTS`: `*` for any port, or a list of ports; unset, the default for the private-targets setting. */
const ports = (env: NodeJS.ProcessEnv, allowPrivateTargets: boolean): readonly number[] | 'any' => {
  const raw = env.PUNCTUAL_EGRESS_PORTS?.trim();
  if (raw === undefined || raw === '') return allowPrivateTargets ? 'any' : hostedPorts;
  if (raw === '*') return 'any';
  const list = raw.split(',').map((p) => Number(p.trim()));
  if (list.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535))
    throw new ConfigError(`PUNCTUAL_EGRESS_PORTS must be * or a comma-separated list of ports (1 to 65535); got "${raw}"`);
  return list;
};

/** An SMTP URL, checked without ever quoting it: it may hold a password. */
const smtpUrl = (env: NodeJS.ProcessEnv): string | undefined => {
  const raw = env.PUNCTUAL_SMTP_URL;
  if (raw === undefined || raw === '') return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname)
    throw new ConfigError(
      'PUNCTUAL_SMTP_URL must be smtp://host:port or smtps://user:pass@host:port (its value is not shown: it may hold a password)',
    );
  return raw;
};

const emailAddress = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/;

/** Reads and validates the embedded runtime's configuration. */
export const loadLocalConfig = (env: NodeJS.ProcessEnv = process.env): LocalConfig => {
  const logLevel = (env.PUNCTUAL_LOG_LEVEL ?? 'info').toLowerCase();
  if (!(logLevel in levels))
    throw new ConfigError(`PUNCTUAL_LOG_LEVEL must be one of ${Object.keys(levels).join(', ')}; got "${logLevel}"`);
  const synchronous = (env.PUNCTUAL_SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase();
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL')
    throw new ConfigError(`PUNCTUAL_SQLITE_SYNCHRONOUS must be NORMAL or FULL; got "${synchronous}"`);
  const secretsKey = env.PUNCTUAL_SECRETS_KEY ? parseSecretsKey(env.PUNCTUAL_SECRETS_KEY) : undefined;
  if (env.PUNCTUAL_SECRETS_KEY && !secretsKey)
    throw new ConfigError('PUNCTUAL_SECRETS_KEY must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`');
  const emailFrom = env.PUNCTUAL_EMAIL_FROM || undefined;
  if (emailFrom !== undefined && !emailAddress.test(emailFrom))
    throw new ConfigError(`PUNCTUAL_EMAIL_FROM must be an email address such as punctual@example.com; got "${emailFrom}"`);
  const awsEndpoint = env.PUNCTUAL_AWS_ENDPOINT || undefined;
  if (awsEndpoint !== undefined && !URL.canParse(awsEndpoint))
    throw new ConfigError(`PUNCTUAL_AWS_ENDPOINT must be a URL such as http://127.0.0.1:5000; got "${awsEndpoint}"`);
  const ingestQueueUrl = env.PUNCTUAL_INGEST_QUEUE_URL || undefined;
  if (ingestQueueUrl !== undefined && !/^https?:\/\//.test(ingestQueueUrl))
    throw new ConfigError(
      'PUNCTUAL_INGEST_QUEUE_URL must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/ingest; ' +
        `got "${ingestQueueUrl}"`,
    );
  const smtp = smtpUrl(env);
  const adminToken = env.PUNCTUAL_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken !== '' && adminToken.length < minAdminTokenLength)
    throw new ConfigError(
      `PUNCTUAL_ADMIN_TOKEN must be at least ${minAdminTokenLength} characters (got ${adminToken.length}); ` +
        'e.g. openssl rand -base64 32, or leave it unset to have one generated',
    );
  const plansFile = env.PUNCTUAL_PLANS_FILE ? resolve(env.PUNCTUAL_PLANS_FILE) : undefined;
  if (plansFile) {
    // Read here, so a missing or malformed catalogue is a configuration error (exit 2) like any bad setting.
    try {
      loadPlans(plansFile);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  const allowPrivateTargets = bool(env, 'PUNCTUAL_ALLOW_PRIVATE_TARGETS', true);
  const tenantAttemptsPerMinute = int(env, 'PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE', 0, 1, 100_000_000);
  const metricsToken = env.PUNCTUAL_METRICS_TOKEN;
  if (metricsToken !== undefined && metricsToken !== '' && metricsToken.length < 16)
    throw new ConfigError('PUNCTUAL_METRICS_TOKEN must be at least 16 characters');
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.PUNCTUAL_HOST || '127.0.0.1',
    dataDir: resolve(env.PUNCTUAL_DATA_DIR || './.punctual'),
    ...(adminToken ? { adminToken } : {}),
    logLevel: logLevel as LogLevel,
    allowPrivateTargets,
    synchronous,
    ...(plansFile ? { plansFile } : {}),
    maxInFlight: int(env, 'PUNCTUAL_MAX_IN_FLIGHT', 512, 1, 10_000),
    drainTimeoutMs: int(env, 'PUNCTUAL_DRAIN_TIMEOUT_MS', 10_000, 0, 600_000),
    responseExcerptBytes: int(env, 'PUNCTUAL_RESPONSE_EXCERPT_BYTES', defaultResponseExcerptBytes, 0, maxResponseExcerptBytes),
    egressPorts: ports(env, allowPrivateTargets),
    ...(tenantAttemptsPerMinute ? { tenantAttemptsPerMinute } : {}),
    appDisableAfterDays: int(env, 'PUNCTUAL_APP_DISABLE_AFTER_DAYS', 3, 0, 3_650),
    ...(secretsKey ? { secretsKey } : {}),
    ...(smtp ? { smtpUrl: smtp } : {}),
    ...(emailFrom ? { emailFrom } : {}),
    ...(awsEndpoint ? { awsEndpoint } : {}),
    ...(metricsToken ? { metricsToken } : {}),
    ...(ingestQueueUrl ? { ingestQueueUrl } : {}),
  };
};

/**
 * `PUNCTUAL_*` variables that are not the embedded server's settings but other parts' (the e2e suite against a stage,
 * the AWS runtime's functions, the SDK's examples, the browser tests): never reported as unknown.
 */
const otherParts = new Set(
  [
    ...['AWS_ENDPOINT', 'TABLE_NAME', 'DELIVERY_QUEUE_URL', 'DELIVERY_DLQ_ARN', 'WAKE_FUNCTION_ARN', 'SCHEDULE_GROUP'],
    ...['SCHEDULER_ROLE_ARN', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'USAGE_PLAN_PREFIX', 'USAGE_PLAN_SUFFIX', 'PLANS'],
    ...['API_KEY', 'URL', 'SIGNING_SECRET', 'CHROMIUM'],
  ].map((name) => `PUNCTUAL_${name}`),
);
const isOtherPart = (name: string): boolean => name.startsWith('PUNCTUAL_E2E_') || otherParts.has(name);

/** Host names and addresses that only this machine can reach. */
const loopback = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * What an operator should hear about a configuration that loads (`loadLocalConfig` must accept `env`): a `PUNCTUAL_*`
 * variable that is no setting (a typo is otherwise silently ignored), naming the closest setting; and a server that
 * other machines can reach while webhooks may target private addresses (SSRF: any tenant could make punctual call the
 * network it runs in). The known settings are the variables `loadLocalConfig` reads, so a new setting is known as soon
 * as it is read there.
 */
export const configWarnings = (env: NodeJS.ProcessEnv = process.env): string[] => {
  const read = new Set<string>();
  const tracked = new Proxy(env, {
    get: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  const config = loadLocalConfig(tracked);
  const settings = [...read].filter((name) => name === 'PORT' || name.startsWith('PUNCTUAL_'));
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('PUNCTUAL_') || read.has(name) || isOtherPart(name)) continue;
    const near = closest(name, settings, Number.POSITIVE_INFINITY);
    warnings.push(`${name} is not a setting and is ignored${near ? `; did you mean ${near}?` : ''}`);
  }
  if (config.allowPrivateTargets && !loopback.test(config.host)) {
    warnings.push(
      `PUNCTUAL_HOST=${config.host} lets other machines call this server while PUNCTUAL_ALLOW_PRIVATE_TARGETS is true: ` +
        'any tenant can then make it send webhooks into the network it runs in (SSRF). ' +
        'Set PUNCTUAL_ALLOW_PRIVATE_TARGETS=false unless every tenant is trusted.',
    );
  }
  return warnings;
};
