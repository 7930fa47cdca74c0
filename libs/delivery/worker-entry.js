// Entry of a delivery worker thread (see pool.ts). Workers inherit the parent's execArgv, so under
// `node --import tsx` TypeScript already loads; elsewhere (jest, a plain `node`) register tsx here.
if (!require.extensions['.ts']) require('tsx/cjs/api').register();
require('./worker.ts');
