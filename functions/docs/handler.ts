import { bundledAssets } from './assets';
import { docsHandler } from './respond';

/** GET /docs, /docs/{proxy+} and /openapi.yaml on AWS: unauthenticated, no data, assets inlined in the bundle (see ./assets). */
export const handler = docsHandler(bundledAssets);
