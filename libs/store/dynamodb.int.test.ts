import { describeStoreContract } from '../../test/support/contracts/store';
import { createDynamoStores } from './dynamodb';
import { startDynalite, type Dynalite } from '../../test/support/dynalite';

let dynalite: Dynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.close();
});

describeStoreContract('dynamodb', async () => {
  const tableName = await dynalite.createTable();
  // Three shards instead of the default eight: less dynalite work, and the per-shard merge still runs.
  const stores = createDynamoStores({ client: dynalite.client, tableName, shards: 3 });
  return { ...stores, close: () => dynalite.dropTable(tableName) };
});
