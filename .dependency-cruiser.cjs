/**
 * The import boundaries of punctual, checked by `npm run lint` (dependency-cruiser). DESIGN.md and STYLE.md say why
 * each exists; a rule here makes it a test instead of a review topic. Every rule is an error: `npm test` fails on it.
 */

/** Domain areas: services, models, ports and errors in domain terms, the same under every runtime. */
const domain = '^libs/(domain|tenancy|apps|keys|messages|schedules|usage|plans|events)/';
/**
 * Tests and the tools around them (emulators, benchmarks, chaos runs, the black-box suite, the examples a test runs):
 * they start servers and fake things.
 */
const testish = ['\\.test\\.ts$', '^test/', '^e2e/', '^bench/', '^chaos/', '^examples/'];

module.exports = {
  forbidden: [
    {
      name: 'domain-no-infrastructure',
      comment:
        'A domain area knows nothing of AWS, SQLite, HTTP clients or servers, nor of the adapters and runtimes: it talks to ports. ' +
        'Adapters live in their own folders and translate technology errors into domain errors (STYLE.md, "Where things go").',
      severity: 'error',
      from: { path: domain, pathNot: testish },
      to: {
        path: [
          '(^|/)node_modules/(@aws-sdk|aws-jwt-verify|better-sqlite3|undici|@aws-lambda-powertools)/',
          '^(node:)?(http|https|http2)$',
          '^libs/(runtime|store|gateway|engine|delivery)/',
        ],
        // A port is the area's own interface: an adapter folder's port.ts may be named by the domain.
        pathNot: '^libs/(store|gateway|engine|delivery)/port\\.ts$',
      },
    },
    {
      name: 'runtime-only-from-runtime',
      comment:
        'libs/runtime holds the composition roots: they import everything, nothing imports them, or every part would depend on every ' +
        'other (one composition root per runtime). The CLI starts a runtime; tests, benchmarks and chaos runs start servers.',
      severity: 'error',
      from: { pathNot: ['^libs/(runtime|cli)/', ...testish] },
      to: { path: '^libs/runtime/' },
    },
    {
      name: 'no-dev-dependency-in-production',
      comment:
        'Production code runs from `npm ci --omit=dev` and the Lambda bundles: a devDependency there is missing at run time. ' +
        'Type-only imports (`@types/*`) vanish when compiled, so they are fine.',
      severity: 'error',
      // The console's build script runs esbuild at development time (npm start, npm run package); a production install
      // serves the files it built and never loads it (console/build.ts says so when esbuild is missing).
      from: { pathNot: [...testish, '^console/build\\.ts$'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'production-not-on-test-support',
      comment:
        'Test support (fixtures, receivers, emulators, stand-ins) and the black-box suite never ship: production must not need them.',
      severity: 'error',
      from: { pathNot: testish },
      to: { path: ['^test/', '^e2e/'] },
    },
    {
      name: 'no-circular-in-libs',
      comment: 'A cycle makes two modules one: neither can be read, tested or moved alone, and load order starts to matter.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time (or names a package missing from package.json).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^sdk/src/schema\\.d\\.ts$', '^sdk/dist/'] },
    // Type-only imports count: a domain file must not name an SDK type either (ports speak the domain).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    skipAnalysisNotInRules: true,
  },
};
