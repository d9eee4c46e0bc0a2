/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    // jose 6 ships ES modules only: Node 20 requires them, Jest's CommonJS runtime needs them compiled.
    "/node_modules/jose/.+\\.js$": ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs", target: "ES2022" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  // The tab's front end built, and the conformance suite's seed schools set up, before any test file loads.
  globalSetup: "<rootDir>/test/global-setup.ts",
  testTimeout: 30000,
};
