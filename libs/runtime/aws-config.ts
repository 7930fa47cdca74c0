import { defaultPlans, type PlanCatalogue } from '../plans/catalogue';
import { ConfigError } from './config';
import { levels, type LogLevel } from '../observability/logger';

/**
 * Configuration of the AWS runtime, read from the Lambda environment here and nowhere else.
 * serverless.ts sets every variable; names below.
 */
export interface AwsConfig {
  /**
   * The stack, `<service>-<stage>` (`PUNCTUAL_STACK`): the tag on the API Gateway keys the stack may manage
   * (infra/iam.ts) and the `stack` dimension of the delivery metrics its alarms watch (infra/alarms.ts).
   */
  stackName: string;
  /** The single table (`PUNCTUAL_TABLE_NAME`). */
  tableName: string;
  /** The delivery queue URL (`PUNCTUAL_DELIVERY_QUEUE_URL`). */
  deliveryQueueUrl: string;
  /** Where Scheduler puts a bucket wake-up it could not deliver (`PUNCTUAL_DELIVERY_DLQ_ARN`). */
  deliveryDeadLetterArn: string;
  /** The wake function a bucket's wake-up invokes (`PUNCTUAL_WAKE_FUNCTION_ARN`). */
  wakeFunctionArn: string;
  /** The EventBridge Scheduler group of the engine's minute buckets (`PUNCTUAL_SCHEDULE_GROUP`). */
  scheduleGroup: string;
  /** The role Scheduler assumes to invoke the wake function (`PUNCTUAL_SCHEDULER_ROLE_ARN`). */
  schedulerRoleArn: string;
  /** The operators' Cognito pool and client (`PUNCTUAL_USER_POOL_ID`, `PUNCTUAL_USER_POOL_CLIENT_ID`). */
  userPoolId: string;
  userPoolClientId: string;
  /** A plan's usage plan is named `<prefix><plan><suffix>` (`PUNCTUAL_USAGE_PLAN_PREFIX` / `_SUFFIX`). */
  usagePlanPrefix: string;
  usagePlanSuffix: string;
  /** @default the catalogue defaults (`PUNCTUAL_PLANS`, JSON written by serverless.ts from the same catalogue) */
  plans: PlanCatalogue;
  /** @default 'info' (`PUNCTUAL_LOG_LEVEL`) */
  logLevel: LogLevel;
  /** Most delivery attempts one tenant may start per minute, whatever its plan (`PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE`); unset: none. */
  tenantAttemptsPerMinute?: number;
  /** @default 3 (`PUNCTUAL_APP_DISABLE_AFTER_DAYS`) days of failed deliveries, none succeeding, that disable an app; 0: never. */
  appDisableAfterDays: number;
  /**
   * The function has read permissions only (`PUNCTUAL_READ_ONLY=true`, set on GET functions): it writes nothing,
   * not even its key's `lastUsedAt`, which on AWS is then touched by calls that change something. @default false
   */
  readOnly: boolean;
  /**
   * Where every AWS SDK client sends its requests, e.g. an emulator (`PUNCTUAL_AWS_ENDPOINT`).
   * @default unset: the SDK's own resolution (which also honours `AWS_ENDPOINT_URL`)
   */
  endpoint?: string;
  /** The KMS key that wraps the data keys sealing apps' secrets (`PUNCTUAL_SECRETS_KMS_KEY_ID`; serverless.ts sets it). */
  secretsKmsKeyId?: string;
  /** The SES sender of an `email` target that names none (`PUNCTUAL_EMAIL_FROM`, a verified SES identity). */
  emailFrom?: string;
  /**
   * The deployment's own account, which targets may not name unless allowlisted: read from
   * `PUNCTUAL_WAKE_FUNCTION_ARN`. Undefined when that is not an ARN: every AWS target is then refused.
   */
  accountId?: string;
  /** The ingest queue's dead-letter queue, where refused published messages go (`PUNCTUAL_INGEST_DLQ_URL`; the ingest function). */
  ingestDeadLetterUrl?: string;
  /** Accounts targets may name even when they are the deployment's own (`PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST`, comma-separated). */
  targetAccountAllowlist: string[];
}

const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const v = env[name];
  if (!v) throw new ConfigError(`${name} must be set (serverless.ts sets it on every function)`);
  return v;
};

/** An optional whole number of at least `min`; `fallback` when unset. */
const count = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number of at least ${min}; got "${raw}"`);
  return n;
};

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:…`), or undefined if it names none. */
export const accountOfArn = (arn: string): string | undefined => /^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1];

const accountList = (env: NodeJS.ProcessEnv): string[] => {
  const raw = env.PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST ?? '';
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad !== undefined)
    throw new ConfigError(`PUNCTUAL_TARGET_ACCOUNT_ALLOWLIST must list 12-digit AWS account ids, comma-separated; got "${bad}"`);
  return ids;
};

/** Reads and validates the AWS runtime's configuration. */
export const loadAwsConfig = (env: NodeJS.ProcessEnv = process.env): AwsConfig => {
  const logLevel = (env.PUNCTUAL_LOG_LEVEL ?? 'info').toLowerCase();
  if (!(logLevel in levels))
    throw new ConfigError(`PUNCTUAL_LOG_LEVEL must be one of ${Object.keys(levels).join(', ')}; got "${logLevel}"`);
  let plans: PlanCatalogue = defaultPlans;
  if (env.PUNCTUAL_PLANS) {
    try {
      plans = JSON.parse(env.PUNCTUAL_PLANS) as PlanCatalogue;
    } catch {
      throw new ConfigError('PUNCTUAL_PLANS must be the JSON plan catalogue');
    }
  }
  const endpoint = env.PUNCTUAL_AWS_ENDPOINT || undefined;
  const tenantAttemptsPerMinute = count(env, 'PUNCTUAL_TENANT_ATTEMPTS_PER_MINUTE', 0, 1);
  if (endpoint !== undefined && !URL.canParse(endpoint))
    throw new ConfigError(`PUNCTUAL_AWS_ENDPOINT must be a URL such as http://127.0.0.1:5000; got "${endpoint}"`);
  const wakeFunctionArn = required(env, 'PUNCTUAL_WAKE_FUNCTION_ARN');
  const accountId = accountOfArn(wakeFunctionArn);
  return {
    stackName: required(env, 'PUNCTUAL_STACK'),
    tableName: required(env, 'PUNCTUAL_TABLE_NAME'),
    deliveryQueueUrl: required(env, 'PUNCTUAL_DELIVERY_QUEUE_URL'),
    deliveryDeadLetterArn: required(env, 'PUNCTUAL_DELIVERY_DLQ_ARN'),
    wakeFunctionArn,
    scheduleGroup: required(env, 'PUNCTUAL_SCHEDULE_GROUP'),
    schedulerRoleArn: required(env, 'PUNCTUAL_SCHEDULER_ROLE_ARN'),
    userPoolId: required(env, 'PUNCTUAL_USER_POOL_ID'),
    userPoolClientId: required(env, 'PUNCTUAL_USER_POOL_CLIENT_ID'),
    usagePlanPrefix: env.PUNCTUAL_USAGE_PLAN_PREFIX ?? 'punctual-',
    usagePlanSuffix: env.PUNCTUAL_USAGE_PLAN_SUFFIX ?? '',
    plans,
    logLevel: logLevel as LogLevel,
    readOnly: env.PUNCTUAL_READ_ONLY === 'true',
    ...(tenantAttemptsPerMinute ? { tenantAttemptsPerMinute } : {}),
    appDisableAfterDays: count(env, 'PUNCTUAL_APP_DISABLE_AFTER_DAYS', 3, 0),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(env.PUNCTUAL_SECRETS_KMS_KEY_ID ? { secretsKmsKeyId: env.PUNCTUAL_SECRETS_KMS_KEY_ID } : {}),
    ...(env.PUNCTUAL_EMAIL_FROM ? { emailFrom: env.PUNCTUAL_EMAIL_FROM } : {}),
    ...(accountId ? { accountId } : {}),
    ...(env.PUNCTUAL_INGEST_DLQ_URL ? { ingestDeadLetterUrl: env.PUNCTUAL_INGEST_DLQ_URL } : {}),
    targetAccountAllowlist: accountList(env),
  };
};
