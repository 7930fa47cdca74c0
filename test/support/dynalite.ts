/** A dynalite server for DynamoDB store tests (tests only: production code never imports this). */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTableInput } from '../../infra/table';

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
