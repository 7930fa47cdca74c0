import { bundledAssets, bundledConsole } from './assets';
import { docsHandler } from './respond';

/**
 * GET /docs, /docs/{proxy+}, /openapi.yaml, /console and /console/{proxy+} on AWS: unauthenticated, no data (the console
 * signs in from the browser with a key, against the API), assets inlined in the bundle (see ./assets).
 */
export const handler = docsHandler(bundledAssets, bundledConsole);
