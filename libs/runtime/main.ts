import { ConfigError, loadLocalConfig } from './config';
import { startLocal } from './local';
import { quickstart } from './quickstart';

/** `npm start`: the whole service in one process. */
const main = async (): Promise<void> => {
  let config;
  try {
    config = loadLocalConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`punctual: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let runtime;
  try {
    runtime = await startLocal(config);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE'
        ? `port ${config.port} is already in use; set PORT to another port`
        : e.code === 'EACCES' || e.code === 'EROFS' || e.code === 'SQLITE_READONLY' || e.code === 'SQLITE_CANTOPEN'
          ? `cannot write to the data directory ${config.dataDir} (${e.code}); set PUNCTUAL_DATA_DIR to a writable directory`
          : e.code === 'ENOSPC' || e.code === 'SQLITE_FULL'
            ? `the disk holding ${config.dataDir} is full`
            : undefined;
    process.stderr.write(`punctual: could not start: ${why ?? e.message}\n`);
    process.exit(why ? 3 : 1);
  }
  process.stdout.write(quickstart(runtime.url, runtime.generatedAdminToken));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`punctual: ${signal} received, finishing in-flight deliveries…\n`);
    runtime.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`punctual: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

void main();
