import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { ApiKey } from '../keys/model';
import type { GatewayKeyMap } from '../keys/port';
import type { UsagePlans } from './usage-plans';

/** Options of the API Gateway key mirror. */
export interface ApiGatewayKeysOptions {
  /** The client retries API Gateway's control-plane throttling itself (libs/runtime/aws-clients.ts). */
  client: APIGatewayClient;
  map: GatewayKeyMap;
  /** Which usage plan a key of a catalogue plan joins. */
  usagePlans: Pick<UsagePlans, 'idOf'>;
}

const nameOf = (err: unknown): string | undefined => (err as { name?: string } | null)?.name;

/**
 * Mirrors our keys onto API Gateway (KeyService `onIssued` / `onRevoked`): the API Gateway key has our
 * key's value (so API Gateway checks it and applies the plan's throttle and quota), our key id as its
 * name and the tenant as its customerId; `GatewayKeyMap` maps its generated id back to ours.
 */
export class ApiGatewayKeys {
  constructor(private readonly o: ApiGatewayKeysOptions) {}

  /** `onIssued`: create the API Gateway key with this value, map it, attach it to the plan's usage plan. */
  async issued(key: ApiKey, value: string): Promise<void> {
    const usagePlanId = await this.o.usagePlans.idOf(key.plan);
    const gatewayKeyId = await this.createKey(key, value);
    await this.o.map.put(gatewayKeyId, key.id);
    try {
      await this.o.client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: gatewayKeyId, keyType: 'API_KEY' }));
    } catch (err) {
      if (nameOf(err) !== 'ConflictException') throw err; // already attached (a retried issue)
    }
  }

  /** `onRevoked`: disable the API Gateway key (immediate) and detach it from its usage plan. */
  async revoked(key: ApiKey): Promise<void> {
    const gatewayKeyId = await this.findKey(key.id);
    if (!gatewayKeyId) return;
    await this.o.client.send(
      new UpdateApiKeyCommand({ apiKey: gatewayKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }),
    );
    try {
      const usagePlanId = await this.o.usagePlans.idOf(key.plan);
      await this.o.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: gatewayKeyId }));
    } catch (err) {
      if (nameOf(err) !== 'NotFoundException') throw err; // already detached
    }
  }

  private async createKey(key: ApiKey, value: string): Promise<string> {
    try {
      const out = await this.o.client.send(
        new CreateApiKeyCommand({
          name: key.id,
          value,
          enabled: true,
          customerId: key.tenantId,
          description: `${key.scope} key of ${key.tenantId}`,
        }),
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

  /** The API Gateway id of the key named by our key id. */
  private async findKey(keyId: string): Promise<string | undefined> {
    const out = await this.o.client.send(new GetApiKeysCommand({ nameQuery: keyId, includeValues: false, limit: 500 }));
    return out.items?.find((k) => k.name === keyId)?.id;
  }
}
