import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GatewayKeyMap } from '../../keys/port';
import { Keys } from './schema';

/**
 * API Gateway key id → our key id, one item per API Gateway key. The mapping never changes; the key
 * service caches what it resolves (libs/keys/service.ts), so this adapter keeps no cache of its own.
 */
export class DynamoGatewayKeyMap implements GatewayKeyMap {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(gatewayKeyId: string, keyId: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...Keys.gatewayKey(gatewayKeyId), keyId } }));
  }

  async keyIdOf(gatewayKeyId: string): Promise<string | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: Keys.gatewayKey(gatewayKeyId), ConsistentRead: true }),
    );
    return out.Item?.keyId as string | undefined;
  }
}
