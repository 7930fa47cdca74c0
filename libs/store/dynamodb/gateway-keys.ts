import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GatewayKeyIndex } from '../../apigateway/keys';
import type { GatewayKeyMap } from '../../keys/port';
import { idOf, Keys } from './schema';

/** BatchGetItem reads at most 100 keys per request. */
const batchGetMax = 100;
/** Rounds of unprocessed keys (DynamoDB throttling a batch) asked again, with a growing pause, before giving up. */
const batchGetRounds = 5;

/**
 * API Gateway key id → our key id (one item per API Gateway key), and back (one item beside our key), so
 * revocation and usage reads never list API Gateway's keys. The mapping never changes; the key service
 * caches what it resolves (libs/keys/service.ts), so this adapter keeps no cache of its own.
 */
export class DynamoGatewayKeyMap implements GatewayKeyMap, GatewayKeyIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(gatewayKeyId: string, keyId: string): Promise<void> {
    await Promise.all([
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...Keys.gatewayKey(gatewayKeyId), keyId } })),
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...Keys.keyGateway(keyId), gatewayKeyId } })),
    ]);
  }

  async keyIdOf(gatewayKeyId: string): Promise<string | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: Keys.gatewayKey(gatewayKeyId), ConsistentRead: true }),
    );
    return out.Item?.keyId as string | undefined;
  }

  async gatewayKeyIdOf(keyId: string): Promise<string | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: Keys.keyGateway(keyId), ConsistentRead: true }));
    return out.Item?.gatewayKeyId as string | undefined;
  }

  /** API Gateway key id → our key id, for those of `keyIds` that have an API Gateway key. */
  async gatewayKeyIdsOf(keyIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < keyIds.length; i += batchGetMax) {
      let keys: Record<string, unknown>[] | undefined = keyIds.slice(i, i + batchGetMax).map((id) => Keys.keyGateway(id));
      for (let round = 0; keys?.length; round++) {
        if (round >= batchGetRounds) throw new Error(`DynamoDB left ${keys.length} API Gateway key ids unread after ${round} rounds`);
        if (round) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
        const res: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of res.Responses?.[this.tableName] ?? []) out.set(item.gatewayKeyId as string, idOf(item.PK as string));
        keys = res.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return out;
  }
}
