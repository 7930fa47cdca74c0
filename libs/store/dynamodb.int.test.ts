import { describeStoreContract } from '../../test/support/contracts';
import { useDynalite } from '../../test/support/dynalite';
import { pendingCountsSettler } from '../../test/support/table-stream';
import { createDynamoStores } from './dynamodb';

const dynalite = useDynalite();

describeStoreContract('dynamodb', async () => {
  const tableName = await dynalite.createTable();
  // Three shards instead of the default eight: less dynalite work, and the per-shard merge still runs.
  const stores = createDynamoStores({ client: dynalite.client, tableName, shards: 3 });
  const settle = await pendingCountsSettler(dynalite.client, tableName, stores.pendingCounters);
  return { ...stores, settle, close: () => dynalite.dropTable(tableName) };
});
