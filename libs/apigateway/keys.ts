import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { ApiKey } from '../keys/model';
import type { GatewayKeyMap } from '../keys/port';

/** Options of the API Gateway key mirror. */
export interface ApiGatewayKeysOptions {
  client: APIGatewayClient;
  map: GatewayKeyMap;
  /** The usage plan name of a catalogue plan (osls: `punctual-<plan>-<stage>`). */
  usagePlanName: (plan: string) => string;
  /** How many times a throttled call is tried in all. @default 5 */
  attempts?: number;
  /** First backoff; doubles each retry, full jitter. @default 200 */
  baseDelayMs?: number;
  /** Sleep (tests pass a fake). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaults = { attempts: 5, baseDelayMs: 200, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), random: Math.random };

/** A usage plan for this key's plan does not exist (the stack and the catalogue disagree). */
export class UsagePlanMissingError extends Error {
  override name = 'UsagePlanMissingError';
  constructor(
    readonly plan: string,
    readonly usagePlanName: string,
  ) {
    super(`no API Gateway usage plan named "${usagePlanName}" for plan "${plan}"`);
  }
}

const nameOf = (err: unknown): string | undefined => (err as { name?: string } | null)?.name;

/**
 * Mirrors our keys onto API Gateway (KeyService `onIssued` / `onRevoked`): the API Gateway key has our
 * key's value (so API Gateway checks it and applies the plan's throttle and quota), our key id as its
 * name and the tenant as its customerId; `GatewayKeyMap` maps its generated id back to ours.
 */
export class ApiGatewayKeys {
  private readonly o: Required<Omit<ApiGatewayKeysOptions, 'client' | 'map' | 'usagePlanName'>> & ApiGatewayKeysOptions;
  private plans?: Promise<Map<string, string>>;

  constructor(options: ApiGatewayKeysOptions) {
    this.o = { ...defaults, ...options };
  }

  /** `onIssued`: create the API Gateway key with this value, map it, attach it to the plan's usage plan. */
  async issued(key: ApiKey, value: string): Promise<void> {
    const usagePlanId = await this.usagePlanId(key.plan);
    const gatewayKeyId = await this.createKey(key, value);
    await this.o.map.put(gatewayKeyId, key.id);
    try {
      await this.call(() => this.o.client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: gatewayKeyId, keyType: 'API_KEY' })));
    } catch (err) {
      if (nameOf(err) !== 'ConflictException') throw err; // already attached (a retried issue)
    }
  }

  /** `onRevoked`: disable the API Gateway key (immediate) and detach it from its usage plan. */
  async revoked(key: ApiKey): Promise<void> {
    const gatewayKeyId = await this.findKey(key.id);
    if (!gatewayKeyId) return;
    await this.call(() =>
      this.o.client.send(
        new UpdateApiKeyCommand({ apiKey: gatewayKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }),
      ),
    );
    try {
      const usagePlanId = await this.usagePlanId(key.plan);
      await this.call(() => this.o.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: gatewayKeyId })));
    } catch (err) {
      if (nameOf(err) !== 'NotFoundException') throw err; // already detached
    }
  }

  private async createKey(key: ApiKey, value: string): Promise<string> {
    try {
      const out = await this.call(() =>
        this.o.client.send(
          new CreateApiKeyCommand({
            name: key.id,
            value,
            enabled: true,
            customerId: key.tenantId,
            description: `${key.scope} key of ${key.tenantId}`,
          }),
        ),
      );
      return out.id!;
    } catch (err) {
      // The value exists already: a retried issue whose first response was lost. Reuse that key.
      if (nameOf(err) !== 'ConflictException') throw err;
      const existing = await this.findKey(key.id);
      if (!existing) throw err;
      return existing;
    }
  }

  private async findKey(keyId: string): Promise<string | undefined> {
    const out = await this.call(() => this.o.client.send(new GetApiKeysCommand({ nameQuery: keyId, includeValues: false, limit: 500 })));
    return out.items?.find((k) => k.name === keyId)?.id;
  }

  private usagePlanId(plan: string): Promise<string> {
    this.plans ??= this.loadPlans().catch((err) => {
      this.plans = undefined;
      throw err;
    });
    return this.plans.then((byName) => {
      const name = this.o.usagePlanName(plan);
      const id = byName.get(name);
      if (!id) throw new UsagePlanMissingError(plan, name);
      return id;
    });
  }

  private async loadPlans(): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    let position: string | undefined;
    do {
      const out = await this.call(() => this.o.client.send(new GetUsagePlansCommand({ limit: 500, ...(position ? { position } : {}) })));
      for (const p of out.items ?? []) if (p.name && p.id) byName.set(p.name, p.id);
      position = out.position;
    } while (position);
    return byName;
  }

  /** Retries API Gateway's control-plane throttling (a few requests per second per account). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (nameOf(err) !== 'TooManyRequestsException' || attempt >= this.o.attempts) throw err;
        await this.o.sleep(Math.floor(this.o.random() * this.o.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}
