// Unit tests live beside the code (src/**/*.spec.ts, tools/**/*.spec.ts); e2e tests in test/ boot the real app
// against real PostgreSQL and Redis. SWC compiles both, keeping decorator metadata for Nest.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

// NestJS 12 and a few of its dependencies ship ES modules only. Node runs them through
// require(esm), but Jest's module runtime cannot (before Node 24.9), so SWC turns those
// packages into CommonJS for the tests. The list is the registry's ESM-only packages we load.
const ESM_PACKAGES = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  '@borewit',
  'uint8array-extras',
  'libphonenumber-js',
  '@standard-schema',
  '@marcbachmann',
  'msgpackr',
];
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];
const transform = { '^.+\\.(ts|js|mjs)$': swc };

module.exports = {
  testTimeout: 60000,
  testEnvironment: 'node',
  transform,
      transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'json'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: process.env.SKIP_DB_RESET ? undefined : '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 60000,
    },
  ],
};
