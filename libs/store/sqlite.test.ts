import { describeStoreContract } from '../../test/support/contracts';
import { createSqliteStores } from './sqlite';

describeStoreContract('sqlite', async () => {
  const stores = createSqliteStores({ filename: ':memory:' });
  return { ...stores, close: () => stores.close() };
});
