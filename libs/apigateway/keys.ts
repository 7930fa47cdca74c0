import {
  type APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { ApiKey } from '../keys/model';
import type { GatewayKeyMap } from '../keys/port';
import { GatewayKeyConflictError } from './errors';
import type { UsagePlans } from './usage-plans';

/** Where the mirror records which API Gateway key is which of ours, both ways (the table, on AWS). */
export interface GatewayKeyIndex extends Pick<GatewayKeyMap, 'put'> {
  /** The API Gateway id of our key, or undefined when it has none. */
  gatewayKeyIdOf(keyId: string): Promise<string | undefined>;
}

/** Options of the API Gateway key mirror. */
export interface ApiGatewayKeysOptions {
  /** The client retries API Gateway's control plane throttling itself (libs/runtime/aws-clients.ts). */
  client: APIGatewayClient;
  map: GatewayKeyIndex;
  /** Which usage plan a key of a catalogue plan joins. */
  usagePlans: Pick<UsagePlans, 'idOf'>;
  /**
   * Tags on every API Gateway key the mirror creates. The stack's IAM lets the functions create keys only with
   * these tags and delete only keys that carry them (infra/iam.ts), so they can touch no other key of the region.
   * @default none
   */
  tags?: Record<string, string>;
}

/** The tag key naming the stack an API Gateway key belongs to (its value: the stack name, `<service>-<stage>`). */
export const stackTagKey = 'punctual:stack';

/** The tags of the API Gateway keys of one stack. */
export const gatewayKeyTags = (stackName: string): Record<string, string> => ({ [stackTagKey]: stackName });

const nameOf = (err: unknown): string | undefined => (err as { name?: string } | null)?.name;

/**
 * Mirrors our keys onto API Gateway (KeyService `onIssued` / `onRevoked`): the API Gateway key has our
 * key's value (so API Gateway checks it and applies the plan's throttle and quota), our key id as its
 * name and the tenant as its customerId; the index maps its generated id to ours and back, so the mirror
 * never lists the region's keys (a listing could read every key value in the account).
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

  /**
   * `onRevoked`: delete the API Gateway key, which also takes it out of its usage plan. Deleted rather than
   * disabled: revoked keys would count against the 10,000 API keys per region until deleted.
   */
  async revoked(key: ApiKey): Promise<void> {
    const gatewayKeyId = await this.o.map.gatewayKeyIdOf(key.id);
    if (!gatewayKeyId) return;
    try {
      await this.o.client.send(new DeleteApiKeyCommand({ apiKey: gatewayKeyId }));
    } catch (err) {
      if (nameOf(err) !== 'NotFoundException') throw err; // already deleted (a retried revocation)
    }
  }

  /**
   * `onReplanned`: the key moved to another plan with its tenant, so its API Gateway key moves to that plan's usage plan.
   * A key joins one usage plan per stage: it leaves the old one first (for that moment API Gateway refuses it).
   */
  async replanned(key: ApiKey, plan: string): Promise<void> {
    const gatewayKeyId = await this.o.map.gatewayKeyIdOf(key.id);
    if (!gatewayKeyId) return;
    const [from, to] = await Promise.all([this.o.usagePlans.idOf(key.plan), this.o.usagePlans.idOf(plan)]);
    if (from === to) return;
    try {
      await this.o.client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: from, keyId: gatewayKeyId }));
    } catch (err) {
      if (nameOf(err) !== 'NotFoundException') throw err; // already left (a retried move)
    }
    try {
      await this.o.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: to, keyId: gatewayKeyId, keyType: 'API_KEY' }));
    } catch (err) {
      if (nameOf(err) !== 'ConflictException') throw err; // already there
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
          ...(this.o.tags ? { tags: this.o.tags } : {}),
        }),
      );
      return out.id!;
    } catch (err) {
      // The value exists: the SDK retried a create whose first response was lost. Finding that key would need the
      // region-wide key listing this mirror is not allowed; the issue fails and the orphan is named for the operator.
      if (nameOf(err) === 'ConflictException') throw new GatewayKeyConflictError(key.id, err);
      throw err;
    }
  }
}
