/**
 * moto_server, the independent AWS emulator, for the AWS test tier (`npm run test:aws`). One server per
 * test file (per `startMoto()`), on 127.0.0.1 and a free port, stopped by pid. Tests only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../infra/table';

/** A running moto_server. */
export interface Moto {
  /** `http://127.0.0.1:<port>`: pass as `endpoint` to SDK clients (or set `AWS_ENDPOINT_URL`). */
  endpoint: string;
  pid: number;
  /** Client settings for this server: endpoint, region and dummy credentials. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Forgets every resource (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const up = async (endpoint: string): Promise<boolean> => {
  try {
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  } catch {
    return false;
  }
};

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Starts moto_server and waits until `/moto-api/` answers (a few seconds at most). */
export const startMoto = async (options: { region?: string; timeoutMs?: number } = {}): Promise<Moto> => {
  const region = options.region ?? 'us-east-1';
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4_000);
    });
    while (Date.now() < deadline && child.exitCode === null && !(await up(endpoint))) await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode === null && (await up(endpoint))) {
      const pid = child.pid!;
      return {
        endpoint,
        pid,
        clientConfig: { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
        reset: async () => {
          await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
        },
        stop: async () => {
          if (child.exitCode === null) process.kill(pid, 'SIGTERM');
          await exited(child);
        },
      };
    }
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    await exited(child);
    // A port taken between the probe and moto's bind: try another; anything else is reported.
    if (tries >= 3 || Date.now() >= deadline)
      throw new Error(`moto_server did not start on ${endpoint} (is it on PATH? see README, Tests): ${stderr.trim().slice(-500)}`);
  }
};

/**
 * One moto_server for the test file (or the enclosing `describe`): registers `beforeAll`/`afterAll` that
 * start and stop it, and returns a handle to use inside tests and hooks.
 */
export const useMoto = (options: { region?: string } = {}): Moto => {
  let server: Moto | undefined;
  beforeAll(async () => {
    server = await startMoto(options);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const current = (): Moto => {
    if (!server) throw new Error('useMoto: moto_server is running only inside tests and hooks');
    return server;
  };
  return {
    get endpoint() {
      return current().endpoint;
    },
    get pid() {
      return current().pid;
    },
    get clientConfig() {
      return current().clientConfig;
    },
    reset: () => current().reset(),
    stop: () => current().stop(),
  };
};

/** punctual tables on a moto_server's DynamoDB, through one document client. */
export interface MotoTables {
  client: DynamoDBDocumentClient;
  /** Creates a fresh table from `infra/table.ts` (stream included) and returns its name. */
  createTable(): Promise<string>;
  dropTable(name: string): Promise<void>;
  /** Destroys the client (the server is the caller's). */
  close(): void;
}

let tables = 0;

/** Tables of `infra/table.ts` on the given server. */
export const motoTables = (moto: Pick<Moto, 'clientConfig'>): MotoTables => {
  const raw = new DynamoDBClient(moto.clientConfig);
  return {
    client: DynamoDBDocumentClient.from(raw),
    createTable: async () => {
      const name = `punctual-test-${process.pid}-${++tables}`;
      await raw.send(new CreateTableCommand(createTableInput(name)));
      return name;
    },
    dropTable: async (name) => void (await raw.send(new DeleteTableCommand({ TableName: name }))),
    close: () => raw.destroy(),
  };
};
