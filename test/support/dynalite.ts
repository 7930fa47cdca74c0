/** A dynalite server for DynamoDB store tests (tests only: production code never imports this). */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTableInput } from '../../infra/table';
import { createDynamoStores, type DynamoStoreOptions, type DynamoStores } from '../../libs/store/dynamodb';
import { Keys } from '../../libs/store/dynamodb/schema';

// dynalite ships no types; it returns a plain node http server.
const dynalite = require('dynalite') as (options: Record<string, number>) => Server;

/** A running dynalite with clients bound to it. */
export interface Dynalite {
  client: DynamoDBDocumentClient;
  /** Creates a fresh table from `infra/table.ts` and returns its name. */
  createTable(): Promise<string>;
  dropTable(name: string): Promise<void>;
  close(): Promise<void>;
}

let tables = 0;

/** Starts dynalite on 127.0.0.1 and a random port (in memory, tables created instantly). */
export const startDynalite = async (): Promise<Dynalite> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  return {
    client: DynamoDBDocumentClient.from(raw),
    createTable: async () => {
      const name = `punctual-test-${process.pid}-${++tables}`;
      await raw.send(new CreateTableCommand(createTableInput(name)));
      return name;
    },
    dropTable: async (name) => void (await raw.send(new DeleteTableCommand({ TableName: name }))),
    close: async () => {
      raw.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/**
 * One dynalite for the test file (or the enclosing `describe`): registers `beforeAll`/`afterAll` that
 * start and close it, and returns a handle to use inside tests and hooks.
 */
export const useDynalite = (): Dynalite => {
  let server: Dynalite | undefined;
  beforeAll(async () => {
    server = await startDynalite();
  });
  afterAll(async () => {
    await server?.close();
  });
  const current = (): Dynalite => {
    if (!server) throw new Error('useDynalite: dynalite is running only inside tests and hooks');
    return server;
  };
  return {
    get client() {
      return current().client;
    },
    createTable: () => current().createTable(),
    dropTable: (name) => current().dropTable(name),
    close: () => current().close(),
  };
};

/** A fresh table per test, with the DynamoDB stores over it. */
export interface DynamoTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly stores: DynamoStores;
}

/**
 * `useDynalite`, plus a fresh table and stores for each test (`beforeEach`), dropped after it (`afterEach`).
 * `options` are the stores' own, without client and table.
 */
export const useDynamoStores = (options: Omit<DynamoStoreOptions, 'client' | 'tableName'> = {}): DynamoTable => {
  const dynalite = useDynalite();
  let table: { tableName: string; stores: DynamoStores } | undefined;
  beforeEach(async () => {
    const tableName = await dynalite.createTable();
    table = { tableName, stores: createDynamoStores({ ...options, client: dynalite.client, tableName }) };
  });
  afterEach(async () => {
    if (table) await dynalite.dropTable(table.tableName);
    table = undefined;
  });
  const current = () => {
    if (!table) throw new Error('useDynamoStores: the table exists only inside tests and their hooks');
    return table;
  };
  return {
    get client() {
      return dynalite.client;
    },
    get tableName() {
      return current().tableName;
    },
    get stores() {
      return current().stores;
    },
  };
};

/** An item as the table holds it, read strongly (for tests of the item layout). */
export const rawItem = async (db: DynamoTable, key: Record<string, string>) =>
  (await db.client.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item!;

/** The attempt items of a message (those its item does not keep), from its partition. */
export const attemptItemsOf = async (db: DynamoTable, messageId: string) =>
  (
    await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :att)',
        ExpressionAttributeValues: { ':pk': Keys.message(messageId).PK, ':att': 'ATT#' },
      }),
    )
  ).Items!;
