import { ConfigError, configWarnings, loadLocalConfig, type LocalConfig } from './config';
import { startLocal, type LocalRuntime } from './local';
import { quickstart } from './quickstart';
import { ExitCode, explainStartError } from './start-errors';

const fail = (message: string, exitCode: number, err?: unknown): never => {
  process.stderr.write(`punctual: ${message}\n`);
  // The stack is for developers; operators get the sentence above.
  if (err instanceof Error && process.env.PUNCTUAL_LOG_LEVEL?.toLowerCase() === 'debug') process.stderr.write(`${err.stack}\n`);
  process.exit(exitCode);
};

/** `npm start`: the whole service in one process. Exit codes: see `ExitCode`. */
const main = async (): Promise<void> => {
  let config: LocalConfig;
  try {
    config = loadLocalConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(`configuration error: ${err.message}`, ExitCode.config);
    return fail(
      `could not start: ${explainStartError(err, { dataDir: '(unknown)', port: 0, host: '' }).message}`,
      ExitCode.unexpected,
      err,
    );
  }
  for (const warning of configWarnings()) process.stderr.write(`punctual: warning: ${warning}\n`);
  let runtime: LocalRuntime;
  try {
    runtime = await startLocal(config);
  } catch (err) {
    const why = explainStartError(err, config);
    return fail(`${why.exitCode === ExitCode.config ? 'configuration error' : 'could not start'}: ${why.message}`, why.exitCode, err);
  }
  process.stdout.write(quickstart(runtime.url, runtime.generatedAdminToken, config.adminToken !== undefined));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal means "now": in-flight deliveries stay `delivering` and are retried at the next start.
      process.stderr.write(`punctual: ${signal} again, exiting without waiting\n`);
      process.exit(ExitCode.unexpected);
    }
    stopping = true;
    process.stderr.write(`punctual: ${signal} received, finishing in-flight deliveries…\n`);
    runtime.close().then(
      () => process.exit(ExitCode.ok),
      (err: unknown) => fail(`error while stopping: ${(err as Error).message}`, ExitCode.unexpected, err),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((err: unknown) => fail(`stopped by an unexpected error: ${(err as Error)?.message ?? String(err)}`, ExitCode.unexpected, err));
