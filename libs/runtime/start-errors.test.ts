import { ExitCode, explainStartError } from './start-errors';

describe('explainStartError', () => {
  const ctx = { dataDir: '/data', port: 3000, host: '127.0.0.1' };
  const err = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${code}: something`), { code, ...extra });

  it.each([
    ['ENOTDIR', /is a file, not a directory/],
    ['EEXIST', /is a file, not a directory/],
    ['EACCES', /cannot write to the data directory \/data/],
    ['EROFS', /cannot write to the data directory/],
    ['SQLITE_READONLY', /cannot write to the data directory/],
    ['SQLITE_READONLY_DBMOVED', /cannot write to the data directory/],
    ['SQLITE_CANTOPEN', /cannot write to the data directory/],
    ['ENOSPC', /is full/],
    ['SQLITE_FULL', /is full/],
    ['SQLITE_IOERR_WRITE', /input\/output error/],
    ['SQLITE_NOTADB', /not a punctual database/],
    ['SQLITE_BUSY', /locked by another process/],
  ])('explains %s as an environment problem (exit 3)', (code, message) => {
    const out = explainStartError(err(code), ctx);
    expect(out.exitCode).toBe(ExitCode.environment);
    expect(out.message).toMatch(message);
  });

  it('tells a taken port from an unwritable directory', () => {
    expect(explainStartError(err('EADDRINUSE', { syscall: 'listen' }), ctx).message).toMatch(/port 3000 is already in use/);
    expect(explainStartError(err('EACCES', { syscall: 'listen' }), ctx).message).toMatch(/not allowed to listen on port 3000/);
  });

  it('passes anything else through as unexpected (exit 1), naming the error without its stack', () => {
    const out = explainStartError(new TypeError('boom'), ctx);
    expect(out).toEqual({ exitCode: ExitCode.unexpected, message: 'TypeError: boom' });
  });
});

describe('explainStartError: the host', () => {
  it('explains a host name that does not resolve as a configuration error (exit 2)', () => {
    const e = Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
    const out = explainStartError(e, { dataDir: '/data', port: 3000, host: 'x.invalid' });
    expect(out).toEqual({ exitCode: ExitCode.config, message: expect.stringMatching(/PUNCTUAL_HOST "x\.invalid" does not resolve/) });
  });
});
