import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GatewayKeyMap } from '../../keys/port';

/**
 * API Gateway key id → our key id, one item per API Gateway key (`GWKEY#<gatewayKeyId>` / `GWKEY`).
 * The mapping never changes, so lookups are cached for the life of the container.
 */
export class DynamoGatewayKeyMap implements GatewayKeyMap {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(gatewayKeyId: string, keyId: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { PK: `GWKEY#${gatewayKeyId}`, SK: 'GWKEY', keyId } }));
    this.cache.set(gatewayKeyId, keyId);
  }

  async keyIdOf(gatewayKeyId: string): Promise<string | undefined> {
    const cached = this.cache.get(gatewayKeyId);
    if (cached) return cached;
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: `GWKEY#${gatewayKeyId}`, SK: 'GWKEY' }, ConsistentRead: true }),
    );
    const keyId = out.Item?.keyId as string | undefined;
    if (keyId) this.cache.set(gatewayKeyId, keyId);
    return keyId;
  }
}
