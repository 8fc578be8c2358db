/**
 * Jest runs TypeScript through ts-jest, which transpiles file by file (tsconfig's isolatedModules: fast);
 * `tsc --noEmit` type-checks the whole project before the tests).
 * Run it through `npm test` (or `node --experimental-vm-modules node_modules/jest/bin/jest.js <paths>`):
 * PGlite loads part of itself with a dynamic import(), which Jest's module sandbox only allows with that flag.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // The AWS SDK's Node-version notice, off for the clients tests build themselves (test/helpers/sdk-notice.ts).
  setupFiles: ['<rootDir>/test/helpers/sdk-notice.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
