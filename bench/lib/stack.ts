import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, Api, type Tenant } from './http';
import type { MachineInfo } from './machine';
import { printProfile } from './profile';
import { Receiver } from './receiver';
import { RssSampler } from './rss';
import { startServer, type BenchServer, type ServerOptions } from './server';

/** Settings every workload shares. */
export interface BenchContext {
  machine: MachineInfo;
  /** Where temp data dirs go. */
  dataRoot: string;
  /** Profile the server with --cpu-prof and print its top self-time functions. */
  cpuProf: boolean;
  /** Which phase the printed profile covers, where a workload has several (W1: enqueue or delivery). */
  profilePhase?: string;
}

/** A server with its receiver, client, tenant and RSS sampler. */
export interface Stack {
  server: BenchServer;
  receiver: Receiver;
  api: Api;
  tenant: Tenant;
  rss: RssSampler;
  /** Restricts the printed CPU profile to a wall-clock window (e.g. the delivery burst). */
  profileWindow(from: number, to: number): void;
  /** Stops everything (and prints the CPU profile when asked). */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

/** Starts receiver + server, bootstraps a tenant and an app, starts RSS sampling. */
export const startStack = async (ctx: BenchContext, options: ServerOptions = {}, connections = 64): Promise<Stack> => {
  const receiver = new Receiver();
  await receiver.start();
  const profDir = ctx.cpuProf ? mkdtempSync(join(tmpdir(), 'punctual-prof-')) : undefined;
  let server: BenchServer;
  try {
    server = await startServer({ dataRoot: ctx.dataRoot, ...options, ...(profDir ? { cpuProfDir: profDir } : {}) });
  } catch (err) {
    await receiver.close();
    throw err;
  }
  const api = new Api(server.url, connections);
  let window: { from: number; to: number } | undefined;
  const profileWindow = (from: number, to: number) => {
    window = { from, to };
  };
  const close = async (opts: { keepData?: boolean } = {}) => {
    rss.stop();
    await api.close();
    await server.stop({ keepData: opts.keepData });
    await receiver.close();
    if (profDir) printProfile(profDir, window && { origin: server.spawnedAt, ...window });
  };
  const rss = new RssSampler(server.pid);
  try {
    const tenant = await bootstrap(api, server.adminToken, receiver.url);
    return { server, receiver, api, tenant, rss, profileWindow, close };
  } catch (err) {
    await close();
    throw err;
  }
};
