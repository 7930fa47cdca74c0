/** @type {import('jest').Config} */
const shared = {
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // middy 6 ships ESM only: let swc turn it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  testEnvironment: 'node',
};

/** How tests import the SDK: by its name, from its sources (the root tsconfig's paths say the same). */
const sdkModules = {
  // The package's sources import each other as ESM does (`./page.js`); jest resolves the .ts beside.
  '^(\\.{1,2}/.*)\\.js$': '$1',
  '^@punctual/sdk$': '<rootDir>/sdk/src/index.ts',
  '^@punctual/sdk/(.*)$': '<rootDir>/sdk/src/receivers/$1.ts',
};

/** Tiers with a real part that may be missing (npm test skips them with a line saying how to install it: scripts/test.mjs). */
const optionalTiers = '\\.(aws|browser)\\.test\\.ts$';

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.test.ts',
        '<rootDir>/functions/**/*.test.ts',
        '<rootDir>/infra/**/*.test.ts',
        '<rootDir>/console/src/**/*.test.ts',
      ],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', optionalTiers],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/**/*.int.test.ts', '<rootDir>/functions/**/*.int.test.ts', '<rootDir>/infra/**/*.int.test.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.test.ts'],
      testPathIgnorePatterns: [optionalTiers],
      // Every error body the suite receives is checked against openapi.yaml's Error schema.
      setupFilesAfterEnv: ['<rootDir>/e2e/support/validate-errors.ts'],
      // The suite drives the service through the SDK (so the stage canary proves it too).
      moduleNameMapper: sdkModules,
    },
    // moto_server (AWS emulator) and cfn-lint: `npm run test:aws`.
    { ...shared, displayName: 'aws', testMatch: ['<rootDir>/**/*.aws.test.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    // A real Chromium driven by playwright-core: `npm run test:browser`.
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/**/*.browser.test.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    {
      ...shared,
      displayName: 'sdk',
      testMatch: ['<rootDir>/sdk/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/sdk/dist/', optionalTiers],
      moduleNameMapper: sdkModules,
    },
  ],
};
