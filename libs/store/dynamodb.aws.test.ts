/**
 * The store contract on moto_server's DynamoDB: the same suites as SQLite and dynalite
 * (libs/store/dynamodb.int.test.ts), on an independent emulator of the service.
 */
import { describeStoreContract } from '../../test/support/contracts';
import { type MotoTables, motoTables, useMoto } from '../../test/support/moto';
import { pendingCountsSettler } from '../../test/support/table-stream';
import { createDynamoStores } from './dynamodb';

// moto_server answers in milliseconds, more on a loaded machine.
jest.setTimeout(30_000);

const moto = useMoto();
let tables: MotoTables;

beforeAll(() => {
  tables = motoTables(moto);
});
afterAll(() => tables?.close());

describeStoreContract('dynamodb on moto', async () => {
  const tableName = await tables.createTable();
  // Three shards, as on dynalite: the per-shard merge still runs.
  const stores = createDynamoStores({ client: tables.client, tableName, shards: 3 });
  const settle = await pendingCountsSettler(tables.client, tableName, stores.pendingCounters);
  return { ...stores, settle, close: () => tables.dropTable(tableName) };
});
