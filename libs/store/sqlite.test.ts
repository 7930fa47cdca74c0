import { describeStoreContract } from '../../test/support/contracts/store';
import { createSqliteStores } from './sqlite';

describeStoreContract('sqlite', async () => {
  const stores = createSqliteStores({ filename: ':memory:' });
  return { ...stores, close: () => stores.close() };
});
