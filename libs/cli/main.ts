import { parseArgs } from 'node:util';
import { systemClock } from '../domain/clock';
import { DomainError, ValidationError } from '../domain/errors';
import { createLogger } from '../observability/logger';
import { loadPlans } from '../plans/catalogue';
import { rotateAdminToken } from '../runtime/admin-token';
import { ConfigError, type LocalConfig, loadLocalConfig } from '../runtime/config';
import { prepareDataDir } from '../runtime/data-dir';
import { openLocalSecrets } from '../runtime/local-secrets';
import { buildServices } from '../runtime/wire';
import { createSqliteStores } from '../store/sqlite';
import { databasePath } from '../store/sqlite/database';
import { commands, type CliContext, UsageError } from './commands';

const usage = `punctual — operator commands on the data directory (PUNCTUAL_DATA_DIR, default ./.punctual).
They work while the server runs (SQLite WAL): a change made here applies there within a second.

  npx punctual tenants create --name <name> [--plan <plan>]
      Creates a tenant and prints it with its first control key (shown once).
  npx punctual tenants list [--limit <n>] [--cursor <c>]
  npx punctual tenants get <ten_…>
      The tenant, its plan's limits, and its live keys and active schedules.
  npx punctual tenants set-plan <ten_…> <plan>
      Moves the tenant, and its keys, to another plan.
  npx punctual tenants suspend <ten_…>   |   npx punctual tenants resume <ten_…>
      Suspended: its keys get 403 tenant_suspended and its due messages wait, unattempted, until it is resumed.
  npx punctual messages list --tenant <ten_…> [--status <status>] [--app <app_…>] [--schedule <sch_…>] [--limit <n>] [--cursor <c>]
  npx punctual messages get <msg_…> --tenant <ten_…>
      The message and its attempts.
  npx punctual usage --tenant <ten_…> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--key <key_…>]
      The tenant's usage per key and day, and the totals.
  npx punctual admin-token rotate
      Prints a new admin token (once) and keeps its hash; a running server accepts it, and refuses the old one,
      within a second. Not when PUNCTUAL_ADMIN_TOKEN is set: the server uses that.

Options: --data-dir <dir> overrides PUNCTUAL_DATA_DIR; --json prints JSON only.
`;

const fail = (message: string, code: number): never => {
  process.stderr.write(`punctual: ${message}\n`);
  process.exit(code);
};

const main = async (): Promise<void> => {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${usage}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help || !positionals.length) return void process.stdout.write(usage);
  let config: LocalConfig;
  try {
    config = loadLocalConfig({ ...process.env, ...(values['data-dir'] ? { PUNCTUAL_DATA_DIR: values['data-dir'] } : {}) });
  } catch (err) {
    return fail(err instanceof ConfigError ? err.message : String(err), 2);
  }
  const [group, verb, ...args] = positionals;
  if (group === 'admin-token') {
    if (verb !== 'rotate') return fail(`unknown command "${positionals.join(' ')}"\n\n${usage}`, 2);
    if (config.adminToken)
      return fail('PUNCTUAL_ADMIN_TOKEN is set: the server uses it and ignores the stored hash; change the variable instead', 2);
    prepareDataDir(config.dataDir);
    const token = rotateAdminToken(config.dataDir);
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ adminToken: token })}\n`
        : `New admin token (shown once; only its hash is stored; a running server accepts it within a second):\n\n` +
            `  export PUNCTUAL_ADMIN_TOKEN=${token}\n`,
    );
    return;
  }
  const command = commands[`${group} ${verb ?? ''}`.trim()] ?? commands[group];
  if (!command) return fail(`unknown command "${positionals.join(' ')}"\n\n${usage}`, 2);

  prepareDataDir(config.dataDir);
  const stores = createSqliteStores({ filename: databasePath(config.dataDir), synchronous: config.synchronous });
  const logger = createLogger('silent');
  // The server's key (its file or PUNCTUAL_SECRETS_KEY): what the CLI changes is sealed as the server seals it.
  const secrets = await openLocalSecrets(config.dataDir, config.secretsKey, stores, logger).catch((err: unknown) => {
    stores.close();
    return fail((err as Error).message, 3);
  });
  const { services } = buildServices({
    stores,
    plans: loadPlans(config.plansFile),
    clock: systemClock,
    logger,
    // Nothing here hands messages to an engine: a resumed tenant's held messages are released by the running server.
    engine: { enqueue: async () => undefined },
    operator: { identify: async () => undefined },
    targets: { allowPrivateTargets: config.allowPrivateTargets, egressPorts: config.egressPorts, email: { missing: 'PUNCTUAL_SMTP_URL' } },
    secrets,
  });
  const ctx: CliContext = { services, stores, dataDir: config.dataDir, json: values.json === true, options: values };
  try {
    process.stdout.write(await command(ctx, command === commands[group] ? positionals.slice(1) : args));
  } catch (err) {
    if (err instanceof UsageError) fail(`${err.message}\n\n${usage}`, 2);
    // Bad input is the command line's fault, as a 400 is the request's.
    if (err instanceof ValidationError) fail(err.message, 2);
    if (err instanceof DomainError) fail(err.message, 1);
    fail(`${(err as Error)?.message ?? String(err)}`, 1);
  } finally {
    stores.close();
  }
};

const parse = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      plan: { type: 'string' },
      tenant: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      key: { type: 'string' },
      status: { type: 'string' },
      app: { type: 'string' },
      schedule: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

void main();
