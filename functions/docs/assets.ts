/**
 * The docs files inlined into the Lambda bundle: a function zip holds its esbuild bundle only, so
 * nothing from node_modules or the repo root can be read at run time. Import attributes make esbuild
 * embed each file (`text` as a string, `bytes` as a Uint8Array) with no loader configured, and only
 * for these imports; the console's files come from its build in console/dist. Node itself cannot load
 * this module: the docs handler tests substitute libs/gateway/docs.ts's `fileAssets` (and the console's
 * `fileConsoleAssets`), and functions/docs/bundle.int.test.ts runs the real bundle.
 */
import consoleCss from '../../console/dist/app.css' with { type: 'text' };
import consoleJs from '../../console/dist/app.js' with { type: 'text' };
import spec from '../../openapi.yaml' with { type: 'text' };
import favicon16 from 'swagger-ui-dist/favicon-16x16.png' with { type: 'bytes' };
import favicon32 from 'swagger-ui-dist/favicon-32x32.png' with { type: 'bytes' };
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import css from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import type { ConsoleAssets } from '../../libs/gateway/console';
import type { DocsAssetName, DocsAssets } from '../../libs/gateway/docs';

const files: Record<DocsAssetName, string | Buffer> = {
  'swagger-ui.css': css,
  'swagger-ui-bundle.js': bundle,
  'favicon-16x16.png': Buffer.from(favicon16),
  'favicon-32x32.png': Buffer.from(favicon32),
};

export const bundledAssets: DocsAssets = {
  spec: () => spec,
  asset: (name) => files[name],
};

/** The console's build (`npm run package` builds it first: `console/build.ts`). */
export const bundledConsole: ConsoleAssets = {
  asset: (name) => (name === 'app.js' ? consoleJs : consoleCss),
};
