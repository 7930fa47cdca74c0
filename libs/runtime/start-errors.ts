import { DataDirLockedError } from './data-lock';
import { SecretsKeyMismatchError, SecretsKeyMissingError } from '../secrets/errors';

/**
 * Exit codes of `npm start` (`libs/runtime/main.ts`), documented in the README.
 * @default 1 for anything unexpected
 */
export const ExitCode = {
  /** Stopped cleanly after SIGINT/SIGTERM. */
  ok: 0,
  /** Unexpected failure (a bug): the message is printed, and the stack trace only with PUNCTUAL_LOG_LEVEL=debug. */
  unexpected: 1,
  /** A configuration variable is invalid (a bad value, a plan catalogue that cannot be read, a host that does not resolve). */
  config: 2,
  /**
   * The environment refuses: data directory unusable (not a directory, read-only, full, not a punctual database, in use by
   * another server, its secrets key missing or another one) or the port is taken.
   */
  environment: 3,
} as const;

/** Why the service could not start, in one line, and the exit code that goes with it. */
export interface StartFailure {
  message: string;
  exitCode: number;
}

const sqliteCode = (code: string): string => code.replace(/^(SQLITE_[A-Z]+)(?:_.*)?$/, '$1');

/** Turns an error thrown while starting into a sentence for the operator; never a stack trace. */
export const explainStartError = (err: unknown, ctx: { dataDir: string; port: number; host: string }): StartFailure => {
  const e = (err ?? {}) as NodeJS.ErrnoException;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const env = (message: string): StartFailure => ({ message, exitCode: ExitCode.environment });
  const dir = ctx.dataDir;
  const fix = 'set PUNCTUAL_DATA_DIR to a writable directory';
  if (err instanceof DataDirLockedError) return env(err.message);
  // Their messages name the directory, the key's source and what to do.
  if (err instanceof SecretsKeyMissingError || err instanceof SecretsKeyMismatchError) return env(err.message);
  if (e.syscall === 'listen' || code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL') {
    if (code === 'EADDRINUSE') return env(`port ${ctx.port} is already in use; set PORT to another port (0 picks a free one)`);
    if (code === 'EADDRNOTAVAIL') return env(`cannot listen on ${ctx.host}: no such address on this machine; set PUNCTUAL_HOST`);
    if (code === 'EACCES') return env(`not allowed to listen on port ${ctx.port}; use a port above 1023`);
  }
  if (e.syscall === 'getaddrinfo' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      message:
        `PUNCTUAL_HOST "${ctx.host}" does not resolve to an address (${code}); ` +
        'use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0',
      exitCode: ExitCode.config,
    };
  }
  switch (code && sqliteCode(code)) {
    case 'ENOTDIR':
    case 'EEXIST':
      return env(`the data directory ${dir} cannot be created: ${e.path ?? 'a part of that path'} is a file, not a directory; ${fix}`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return env(`cannot write to the data directory ${dir} (${code}: read-only or no permission); ${fix}`);
    case 'ENOSPC':
    case 'EDQUOT':
    case 'SQLITE_FULL':
      return env(`the disk holding the data directory ${dir} is full (${code}); free space or set PUNCTUAL_DATA_DIR elsewhere`);
    case 'SQLITE_IOERR':
    case 'EIO':
      return env(`input/output error in the data directory ${dir} (${code}); check the disk`);
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return env(
        `${dir}/punctual.db is not a punctual database or is damaged (${code}); ` +
          'restore it from a backup or point PUNCTUAL_DATA_DIR elsewhere',
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return env(`the database in ${dir} is locked by another process (${code}); is another punctual running on it?`);
    default: {
      const what = err instanceof Error ? `${err.name}${code ? ` (${code})` : ''}: ${err.message}` : String(err);
      return { message: what, exitCode: ExitCode.unexpected };
    }
  }
};
