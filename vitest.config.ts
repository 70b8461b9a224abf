import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "parameters/**/*.test.ts", "sim/**/*.test.ts", "web/src/**/*.test.ts"],
    globalSetup: ["test/helpers/buildContracts.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { HARDHAT_DISABLE_TELEMETRY: "true" },
  },
});
