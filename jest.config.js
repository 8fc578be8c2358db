/**
 * Jest runs TypeScript through SWC (transpile only; `tsc --noEmit` type-checks before the tests).
 * Run it through `npm test` (or `node --experimental-vm-modules node_modules/jest/bin/jest.js <paths>`):
 * PGlite loads part of itself with a dynamic import(), which Jest's module sandbox only allows with that flag.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
