import { readFileSync } from 'node:fs';
import { docsAssetNames, docsResponder, docsResponse, fileAssets, specPath, type DocsAssetName } from './docs';

describe('docs (embedded gateway)', () => {
  it('serves the page, the spec and the Swagger UI files from disk', () => {
    expect(docsResponse('/docs')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(docsResponse('/docs/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    const spec = docsResponse('/openapi.yaml')!;
    expect(spec.type).toBe('application/yaml; charset=utf-8');
    expect(spec.body.toString()).toBe(readFileSync(specPath, 'utf8'));
    expect(docsResponse('/docs/swagger-ui-bundle.js')!.body.toString()).toContain('SwaggerUIBundle');
    expect(docsResponse('/docs/swagger-ui.css')!.type).toBe('text/css; charset=utf-8');
    expect(docsResponse('/docs/init.js')!.type).toBe('application/javascript; charset=utf-8');
  });

  it('has every asset it names in the installed swagger-ui-dist', () => {
    for (const name of docsAssetNames) expect(fileAssets.asset(name).length).toBeGreaterThan(0);
  });

  it('is not a docs path for anything off the list, so the router answers it', () => {
    for (const path of [
      '/',
      '/doc',
      '/docsx',
      '/docs/x',
      '/docs/swagger-ui.js',
      '/docs/swagger-ui-bundle.css',
      '/docs/favicon-32x32.png',
      '/docs/../openapi.yaml',
      '/docs/%2e%2e/package.json',
      '/v1/openapi.yaml',
      '/openapi.yml',
    ]) {
      expect({ path, r: docsResponse(path) }).toEqual({ path, r: undefined });
    }
  });

  it('builds every response from the assets it is given (the Lambda passes its inlined ones)', () => {
    const asked: string[] = [];
    const fake = docsResponder({
      spec: () => 'openapi: 3.1.0',
      asset: (name: DocsAssetName) => {
        asked.push(name);
        return name.endsWith('.png') ? Buffer.from([1, 2, 3]) : `/* ${name} */`;
      },
    });
    expect(fake('/openapi.yaml')!.body).toBe('openapi: 3.1.0');
    expect(fake('/docs/swagger-ui.css')!.body).toBe('/* swagger-ui.css */');
    expect(fake('/docs')!.body).toContain('href="data:image/png;base64,AQID"');
    expect(asked).toEqual(['swagger-ui.css', 'favicon-32x32.png', 'favicon-16x16.png']);
  });
});
