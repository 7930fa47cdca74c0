import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type ApiHandler, api } from '../../libs/http/api';
import { type OperationId, routes } from '../../libs/http/routes';

/** Every `functions/api/<group>/<op>/handler.ts`, as its route-table `fn` (`api/<group>/<op>`). */
const handlerDirs = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('handler.ts'))
  .map((f) => `api/${f.slice(0, -'/handler.ts'.length).split('\\').join('/')}`)
  .sort();

const ok = async () => ({ status: 204 });

describe('API handlers and the route table', () => {
  it('finds the handlers', () => {
    expect(handlerDirs.length).toBeGreaterThan(20);
  });

  it.each(handlerDirs)('%s serves the route entry whose fn names its directory', (fn) => {
    const { handler } = require(join(__dirname, '..', fn, 'handler')) as { handler: ApiHandler };
    const entry = routes.find((r) => r.fn === fn);
    expect(entry).toBeDefined();
    // The handler looked its route up by operationId: it must be this directory's entry, not another's.
    expect(handler.route).toBe(entry);
  });

  it('has a handler for every route', () => {
    for (const route of routes) expect(existsSync(join(__dirname, '..', route.fn, 'handler.ts'))).toBe(true);
  });

  it('refuses an operationId the table does not have', () => {
    expect(() => api('noSuchOperation' as OperationId, ok)).toThrow(/no route has operationId noSuchOperation/);
  });

  it('refuses a body schema that contradicts the route entry', () => {
    expect(() => api('getApp', { body: z.object({}) }, ok)).toThrow(/body 'none'/);
    expect(() => api('createApp', ok)).toThrow(/body 'required'/);
    expect(() => api('redriveMessage', ok)).toThrow(/body 'optional'/);
  });
});
