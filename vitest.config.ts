import { defineConfig } from "vitest/config";

/**
 * Three projects, by what a test needs (the rule in docs/contributing.md, "Where a test lives"):
 * - unit: pure modules' tests, beside the module they test; nothing is built first.
 * - chain: test/: in-process Hardhat chains, the real subgraph wasm, the indexer, the CLI; the contracts and the
 *   subgraph are built first.
 * - e2e: the whole stack as `npm start` runs it, and the browser; the web app is built too.
 * `vitest run --project unit` (npm run test:unit) runs one.
 */
const shared = {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  env: { HARDHAT_DISABLE_TELEMETRY: "true" },
};
const e2e = [
  "test/web/**/*.test.ts",
  "test/sim/browser.test.ts",
  "test/devnet/start.test.ts",
  "test/devnet/outcome.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          include: [
            "sim/**/*.test.ts",
            "parameters/**/*.test.ts",
            "sdk/**/*.test.ts",
            "networks/**/*.test.ts",
            "scripts/**/*.test.ts",
            "web/src/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          ...shared,
          name: "chain",
          include: ["test/**/*.test.ts"],
          exclude: e2e,
          globalSetup: ["test/helpers/buildContracts.ts"],
        },
      },
      {
        test: {
          ...shared,
          name: "e2e",
          include: e2e,
          globalSetup: ["test/helpers/buildStack.ts"],
        },
      },
    ],
  },
});
