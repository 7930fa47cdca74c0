import { parseArgs } from 'node:util';
import { systemClock } from '../domain/clock';
import { KeyService } from '../keys/service';
import { isPlanAtMost, loadPlans } from '../plans/catalogue';
import { ConfigError, type LocalConfig, loadLocalConfig } from '../runtime/config';
import { createSqliteStores } from '../store/sqlite';
import { databasePath } from '../store/sqlite/database';
import { TenantService } from '../tenancy/service';
import { UsageService } from '../usage/service';

const usage = `punctual — operator commands on the data directory (PUNCTUAL_DATA_DIR, default ./.punctual).
They work while the server runs (SQLite WAL); usage a server counted is at most a second behind.

  npx punctual tenants create --name <name> [--plan <plan>]
      Creates a tenant and prints it with its first control key (shown once).
  npx punctual usage --tenant <ten_…> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--key <key_…>]
      Prints the tenant's usage per key and day, and the totals.

Options: --data-dir <dir> overrides PUNCTUAL_DATA_DIR; --json prints JSON only.
`;

const fail = (message: string, code = 2): never => {
  process.stderr.write(`punctual: ${message}\n`);
  process.exit(code);
};

const main = async (): Promise<void> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      plan: { type: 'string' },
      tenant: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      key: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) return void process.stdout.write(usage);
  let config: LocalConfig;
  try {
    config = loadLocalConfig({ ...process.env, ...(values['data-dir'] ? { PUNCTUAL_DATA_DIR: values['data-dir'] } : {}) });
  } catch (err) {
    return fail(err instanceof ConfigError ? err.message : String(err));
  }
  const plans = loadPlans(config.plansFile);
  const stores = createSqliteStores({ filename: databasePath(config.dataDir), synchronous: config.synchronous });
  const clock = systemClock;
  const planNames = () => Object.keys(plans);
  const keys = new KeyService({
    keys: stores.keys,
    apps: stores.apps,
    clock,
    planNames,
    isPlanAtMost: (a, b) => isPlanAtMost(plans, a, b),
  });
  try {
    if (command === 'tenants create') {
      if (!values.name) fail('tenants create needs --name');
      const { tenant, controlKey } = await new TenantService({
        tenants: stores.tenants,
        keys,
        clock,
        planNames,
        defaultPlan: 'free',
      }).create('operator', {
        name: values.name!,
        ...(values.plan ? { plan: values.plan } : {}),
      });
      const out = { id: tenant.id, name: tenant.name, plan: tenant.plan, controlKey: { id: controlKey.key.id, key: controlKey.value } };
      process.stdout.write(
        values.json
          ? `${JSON.stringify(out)}\n`
          : `tenant ${out.id} (${out.name}, plan ${out.plan})\n` +
              `control key ${out.controlKey.id}: ${out.controlKey.key}\n(the key is shown only now)\n`,
      );
    } else if (command === 'usage') {
      if (!values.tenant) fail('usage needs --tenant');
      const tenant = await stores.tenants.get(values.tenant!);
      if (!tenant) fail(`tenant ${values.tenant} not found in ${config.dataDir}`);
      const service = new UsageService({ usage: stores.usage, keys: stores.keys, clock });
      const principal = { tenantId: tenant!.id, keyId: 'operator', scope: 'control' as const, plan: tenant!.plan };
      const result = await service.get(principal, { from: values.from, to: values.to, keyId: values.key });
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const rows = result.items.map((r) => ({
          date: r.date,
          keyId: r.keyId,
          requests: r.requests,
          scheduled: r.messagesScheduled,
          deliveries: r.deliveries,
          attempts: r.attempts,
          failures: r.failures,
        }));
        console.table(rows);
        console.log('totals', result.totals);
      }
    } else fail(`unknown command "${command}"\n\n${usage}`);
  } catch (err) {
    fail((err as Error).message, 1);
  } finally {
    stores.close();
  }
};

void main();
