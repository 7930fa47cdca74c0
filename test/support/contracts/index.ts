/**
 * The store contract: one suite per port, run unchanged against every adapter (SQLite in
 * libs/store/sqlite.test.ts; DynamoDB on dynalite in libs/store/dynamodb.int.test.ts and on moto_server in
 * libs/store/dynamodb.aws.test.ts). Tests only.
 */
import { newId } from '../../../libs/domain/ids';
import type { Stores } from '../../../libs/store/port';
import { T0 } from '../fixtures';
import { describeAppContract } from './apps';
import type { ContractContext } from './context';
import { describeKeyContract } from './keys';
import { describeMessageContract } from './messages';
import { describeScheduleContract } from './schedules';
import { describeTenantContract } from './tenants';
import { describeUsageContract } from './usage';

/** What a store adapter under test provides. */
export interface StoreUnderTest extends Stores {
  close(): Promise<void> | void;
  /**
   * Brings what the adapter derives asynchronously up to date with the writes so far (DynamoDB: the pending counts the
   * table stream keeps). Called before such a read. @default nothing to do
   */
  settle?(): Promise<void>;
}

/** Registers every port's contract for one adapter. `open` gives a fresh, empty store for each test. */
export const describeStoreContract = (adapter: string, open: () => Promise<StoreUnderTest>): void => {
  describe(`store contract: ${adapter}`, () => {
    let store: StoreUnderTest;
    const context: ContractContext = { A: newId('ten'), B: newId('ten'), T0 };
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('tenants', () => describeTenantContract(() => store.tenants, context));
    describe('apps', () => describeAppContract(() => store.apps, context));
    describe('keys', () => describeKeyContract(() => store.keys, context));
    describe('messages', () =>
      describeMessageContract(
        () => store.messages,
        context,
        () => store.apps,
        async () => store.settle?.(),
      ));
    describe('schedules', () => describeScheduleContract(() => store.schedules, context));
    describe('usage', () => describeUsageContract(() => store.usage, context));
  });
};
