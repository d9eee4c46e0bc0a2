/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testTimeout: 30000,
  // The conformance suite's five seed schools, set up through Teams on one deployment before any test file loads.
  globalSetup: "<rootDir>/test/conformance/seed-schools.global-setup.ts",
};
