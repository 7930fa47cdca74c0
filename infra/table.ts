/**
 * The punctual DynamoDB table: one definition for CloudFormation (`tableResource`) and for tests
 * and tools that create it through the SDK (`createTableInput`). Layout: libs/store/dynamodb.md.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { Attr, Index } from '../libs/store/dynamodb/schema';

const S = 'S' as const;
const N = 'N' as const;

const gsi = (
  name: string,
  hash: string,
  range: string,
  projection: { ProjectionType: 'KEYS_ONLY' } | { ProjectionType: 'INCLUDE'; NonKeyAttributes: string[] },
) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: hash, KeyType: 'HASH' as const },
    { AttributeName: range, KeyType: 'RANGE' as const },
  ],
  Projection: projection,
});

const keysOnly = { ProjectionType: 'KEYS_ONLY' as const };

/** Keys, indexes, billing, stream and TTL of the table (CloudFormation `AWS::DynamoDB::Table` properties). */
export const tableDefinition = {
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: Attr.pk, AttributeType: S },
    { AttributeName: Attr.sk, AttributeType: S },
    { AttributeName: Attr.dueShard, AttributeType: S },
    { AttributeName: Attr.dueAt, AttributeType: N },
    { AttributeName: Attr.gsi2pk, AttributeType: S },
    { AttributeName: Attr.gsi3pk, AttributeType: S },
    { AttributeName: Attr.gsi4pk, AttributeType: S },
    { AttributeName: Attr.gsiSk, AttributeType: S },
  ],
  KeySchema: [
    { AttributeName: Attr.pk, KeyType: 'HASH' as const },
    { AttributeName: Attr.sk, KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    // The tenant rides along so a due message becomes a DueRef (and a due schedule a key) without a read: a schedule
    // stores it as `tenantId`, a message only in its byTenant partition.
    gsi(Index.due, Attr.dueShard, Attr.dueAt, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['tenantId', Attr.gsi2pk] }),
    // The collection indexes are KEYS_ONLY: their keys never change, so state changes never write to them.
    gsi(Index.byTenant, Attr.gsi2pk, Attr.gsiSk, keysOnly),
    gsi(Index.byParent, Attr.gsi3pk, Attr.gsiSk, keysOnly),
    gsi(Index.bySchedule, Attr.gsi4pk, Attr.gsiSk, keysOnly),
  ],
  // NEW_AND_OLD_IMAGES: the metering aggregator needs both to see a status change.
  StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  // Deletes expired idempotency records (and attempts, when a retention is configured). The store never relies on it.
  TimeToLiveSpecification: { AttributeName: Attr.ttl, Enabled: true },
};

/** The CloudFormation resource of the table. */
export const tableResource = (tableName: string) => ({
  Type: 'AWS::DynamoDB::Table' as const,
  Properties: { TableName: tableName, ...tableDefinition, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
});

/** The SDK `CreateTable` input of the same table (TTL is a separate `UpdateTimeToLive` call there). */
export const createTableInput = (tableName: string): CreateTableCommandInput => {
  const { TimeToLiveSpecification: _ttl, StreamSpecification, ...rest } = tableDefinition;
  return { TableName: tableName, ...rest, StreamSpecification: { StreamEnabled: true, ...StreamSpecification } };
};
