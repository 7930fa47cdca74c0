import pkg from '../../package.json';

/** The service version, from package.json. */
export const version: string = pkg.version;
