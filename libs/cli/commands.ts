import { iso } from '../domain/clock';
import { parseInput } from '../domain/validate';
import type { Principal } from '../keys/model';
import { toAttemptDto, toMessageDetailDto, toMessageDto } from '../messages/dto';
import { messageListQuerySchema } from '../messages/schemas';
import type { Services } from '../http/services';
import type { Plan } from '../plans/catalogue';
import type { SqliteStores } from '../store/sqlite';
import { toOwnTenantDto, toTenantDto } from '../tenancy/dto';
import type { Tenant } from '../tenancy/model';
import { tenantListQuerySchema } from '../tenancy/schemas';
import { usageQuerySchema } from '../usage/schemas';
import { clip, fields, table } from './table';

/** What a command works with. */
export interface CliContext {
  services: Services;
  stores: SqliteStores;
  dataDir: string;
  /** Print JSON only (the API's shapes). */
  json: boolean;
  options: Record<string, string | boolean | undefined>;
}

/** A command: its output, or a thrown error (a `UsageError` for a mistake in the command line). */
export type Command = (ctx: CliContext, args: string[]) => Promise<string>;

/** The command line is wrong (exit code 2, with the usage). */
export class UsageError extends Error {
  override name = 'UsageError';
}

const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

const option = (ctx: CliContext, name: string): string | undefined => {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
};

/** The one positional argument a command takes (or the option naming the same thing). */
const oneArg = (args: string[], what: string, fallback?: string): string => {
  const value = args[0] ?? fallback;
  if (!value || args.length > 1) throw new UsageError(`expected one ${what}${args.length > 1 ? `, got ${args.join(' ')}` : ''}`);
  return value;
};

/** The operator acting on a tenant's data as its control key would. */
const operatorOf = (tenant: Tenant): Principal => ({ tenantId: tenant.id, keyId: 'operator', scope: 'control', plan: tenant.plan });

const date = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms));

const limitsLine = (p: Plan): string =>
  [
    p.throttle && `${p.throttle.rateLimit}/s (burst ${p.throttle.burstLimit})`,
    p.quota && `${p.quota.limit.toLocaleString('en-US')} requests/${p.quota.period}`,
    p.maxPendingMessages !== undefined && `${p.maxPendingMessages.toLocaleString('en-US')} pending`,
    p.maxKeys !== undefined && `${p.maxKeys} keys`,
    p.maxActiveSchedules !== undefined && `${p.maxActiveSchedules} active schedules`,
  ]
    .filter(Boolean)
    .join(', ') || 'none';

const tenantRow = (t: Tenant) => [t.id, t.name, t.plan, t.status, date(t.createdAt), date(t.updatedAt)];
const tenantColumns = ['id', 'name', 'plan', 'status', 'created', 'updated'];

/** Shows a tenant after a change. */
const changed = (ctx: CliContext, t: Tenant, what: string): string =>
  ctx.json ? json(toTenantDto(t)) : `tenant ${t.id} (${t.name}): ${what}\n`;

export const commands: Record<string, Command> = {
  'tenants create': async (ctx, args) => {
    if (args.length) throw new UsageError(`tenants create takes no arguments, got ${args.join(' ')}`);
    const name = option(ctx, 'name');
    if (!name) throw new UsageError('tenants create needs --name');
    const plan = option(ctx, 'plan');
    const { tenant, controlKey } = await ctx.services.tenants.create('operator', { name, ...(plan ? { plan } : {}) });
    const out = { ...toTenantDto(tenant), controlKey: { id: controlKey.key.id, key: controlKey.value } };
    return ctx.json
      ? json(out)
      : `tenant ${out.id} (${out.name}, plan ${out.plan})\n` +
          `control key ${out.controlKey.id}: ${out.controlKey.key}\n(the key is shown only now)\n`;
  },

  'tenants list': async (ctx, args) => {
    if (args.length) throw new UsageError(`tenants list takes no arguments, got ${args.join(' ')}`);
    const query = parseInput(tenantListQuerySchema, { limit: option(ctx, 'limit'), cursor: option(ctx, 'cursor') });
    const page = await ctx.services.tenants.list(query);
    if (ctx.json) return json({ items: page.items.map(toTenantDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    const more = page.nextCursor ? `more: --cursor ${page.nextCursor}\n` : '';
    return table(tenantColumns, page.items.map(tenantRow)) + more;
  },

  'tenants get': async (ctx, args) => {
    const tenant = await ctx.services.tenants.get(oneArg(args, 'tenant id', option(ctx, 'tenant')));
    const { limits } = await ctx.services.tenants.own(operatorOf(tenant));
    const counts = {
      liveKeys: await ctx.stores.keys.countLive(tenant.id),
      activeSchedules: await ctx.stores.schedules.countActive(tenant.id),
      pendingMessages: await ctx.stores.messages.countPendingForTenant(tenant.id),
    };
    if (ctx.json) return json({ ...toOwnTenantDto(tenant, limits), ...counts });
    return fields({
      id: tenant.id,
      name: tenant.name,
      plan: tenant.plan,
      limits: limitsLine(limits),
      status: tenant.status,
      owner: tenant.owner,
      created: date(tenant.createdAt),
      updated: date(tenant.updatedAt),
      'live keys': counts.liveKeys,
      'active schedules': counts.activeSchedules,
      'pending messages': counts.pendingMessages,
    });
  },

  'tenants set-plan': async (ctx, args) => {
    const [tenantId, plan] = args.length === 2 ? args : [args[0] ?? option(ctx, 'tenant'), option(ctx, 'plan')];
    if (!tenantId || !plan || args.length > 2) throw new UsageError('tenants set-plan needs a tenant id and a plan');
    const t = await ctx.services.tenants.update(tenantId, { plan });
    return changed(ctx, t, `plan ${t.plan}; its keys moved with it`);
  },

  'tenants suspend': async (ctx, args) => {
    const t = await ctx.services.tenants.update(oneArg(args, 'tenant id', option(ctx, 'tenant')), { status: 'suspended' });
    return changed(ctx, t, 'suspended: its keys are refused and its deliveries wait');
  },

  'tenants resume': async (ctx, args) => {
    const t = await ctx.services.tenants.update(oneArg(args, 'tenant id', option(ctx, 'tenant')), { status: 'active' });
    return changed(ctx, t, 'active: a running server delivers its waiting messages within a second');
  },

  'messages list': async (ctx, args) => {
    if (args.length) throw new UsageError(`messages list takes no arguments, got ${args.join(' ')}`);
    const tenant = await tenantOf(ctx);
    const query = parseInput(messageListQuerySchema, {
      status: option(ctx, 'status'),
      appId: option(ctx, 'app'),
      scheduleId: option(ctx, 'schedule'),
      limit: option(ctx, 'limit'),
      cursor: option(ctx, 'cursor'),
    });
    const page = await ctx.services.messages.list(operatorOf(tenant), query);
    if (ctx.json) return json({ items: page.items.map(toMessageDto), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
    const rows = page.items.map((m) => [m.id, m.appId, m.status, date(m.sendAt), m.attemptCount, clip(m.lastError, 50)]);
    const more = page.nextCursor ? `more: --cursor ${page.nextCursor}\n` : '';
    return table(['id', 'app', 'status', 'sendAt', 'attempts', 'lastError'], rows) + more;
  },

  'messages get': async (ctx, args) => {
    const tenant = await tenantOf(ctx);
    const p = operatorOf(tenant);
    const m = await ctx.services.messages.get(p, oneArg(args, 'message id'));
    const attempts = await ctx.services.messages.attempts(p, m.id);
    if (ctx.json) return json({ ...toMessageDetailDto(m), attempts: attempts.map(toAttemptDto) });
    const dto = toMessageDto(m);
    return (
      fields({
        id: dto.id,
        app: dto.appId,
        schedule: dto.scheduleId,
        status: dto.status,
        sendAt: dto.sendAt,
        nextAttemptAt: dto.nextAttemptAt,
        attempts: dto.attemptCount,
        deliveredAt: dto.deliveredAt,
        failedAt: dto.failedAt,
        abortedAt: dto.abortedAt,
        lastError: dto.lastError,
        payload: clip(m.payload, 200),
        created: dto.createdAt,
      }) +
      (attempts.length
        ? `\n${table(
            ['attempt', 'startedAt', 'ms', 'outcome', 'status', 'error'],
            attempts.map((a) => [a.attempt, date(a.startedAt), a.durationMs, a.outcome, a.statusCode, clip(a.error, 50)]),
          )}`
        : '')
    );
  },

  usage: async (ctx, args) => {
    if (args.length) throw new UsageError(`usage takes no arguments, got ${args.join(' ')}`);
    const tenant = await tenantOf(ctx);
    // The API's own checks: real dates as YYYY-MM-DD, from not after to, at most 366 days.
    const query = parseInput(usageQuerySchema, { from: option(ctx, 'from'), to: option(ctx, 'to'), keyId: option(ctx, 'key') });
    const result = await ctx.services.usage.get(operatorOf(tenant), query);
    if (ctx.json) return json(result);
    const t = result.totals;
    const rows = result.items.map((r) => [r.date, r.keyId, r.requests, r.messagesScheduled, r.deliveries, r.attempts, r.failures]);
    return (
      table(['date', 'key', 'requests', 'scheduled', 'deliveries', 'attempts', 'failures'], rows) +
      `totals: ${t.requests} requests, ${t.messagesScheduled} scheduled, ${t.deliveries} deliveries, ` +
      `${t.attempts} attempts, ${t.failures} failures\n`
    );
  },
};

/** The tenant `--tenant` names (its existence checked, as the API would for its own). */
const tenantOf = async (ctx: CliContext): Promise<Tenant> => {
  const id = option(ctx, 'tenant');
  if (!id) throw new UsageError('this command needs --tenant <ten_…>');
  return ctx.services.tenants.get(id);
};
