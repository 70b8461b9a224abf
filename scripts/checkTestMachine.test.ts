import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { planTestMachine, type MachineFacts } from "./checkTestMachine.ts";

const present =
  (...files: string[]) =>
  (file: string) =>
    files.includes(file);
const facts = (overrides: Partial<MachineFacts>): MachineFacts => ({
  chromiumExists: present("/usr/bin/chromium"),
  canInstall: false,
  databaseUrl: "postgres://localhost/trimtab_test",
  ...overrides,
});

describe("npm test's first step: what the machine must have", () => {
  it("goes on when Chromium is where it is looked for", () => {
    expect(planTestMachine(facts({}))).toEqual({ install: false, notes: [] });
    expect(planTestMachine(facts({ chromiumPath: "/opt/chrome", chromiumExists: present("/opt/chrome") }))).toEqual({
      install: false,
      notes: [],
    });
  });

  it("installs Debian's chromium when it is missing and apt may be used, as CI does", () => {
    expect(planTestMachine(facts({ chromiumExists: present(), canInstall: true }))).toEqual({
      install: true,
      notes: [],
    });
  });

  it("stops before anything runs, with the one command to run, when it cannot install", () => {
    expect(planTestMachine(facts({ chromiumExists: present() })).problem).toBe(
      "npm test needs Chromium for its browser tests, and /usr/bin/chromium is missing: " +
        "install Debian's chromium with: sudo bash .ci/chromium.sh (or set CHROMIUM_PATH to a Chromium)",
    );
    // A CHROMIUM_PATH of the user's is never replaced by an install elsewhere.
    const chosen = planTestMachine(facts({ chromiumPath: "/opt/chrome", chromiumExists: present(), canInstall: true }));
    expect(chosen.install).toBe(false);
    expect(chosen.problem).toContain("/opt/chrome is missing: set CHROMIUM_PATH to a Chromium executable");
  });

  it("says that the PostgreSQL tests are skipped without a database, and how to run them", () => {
    expect(planTestMachine(facts({ databaseUrl: undefined })).notes).toEqual([
      "PostgreSQL: TRIMTAB_TEST_DATABASE_URL is not set, so the indexer's PostgreSQL tests are skipped " +
        '(run them with TRIMTAB_TEST_DATABASE_URL="$(bash .ci/postgres.sh)" npm test).',
    ]);
  });

  it("exits 1 with the problem, as the script npm test runs first", async () => {
    const script = path.join(import.meta.dirname, "checkTestMachine.ts");
    const run = promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium", TRIMTAB_TEST_DATABASE_URL: "postgres://x" },
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        "npm test needs Chromium for its browser tests, and /nonexistent/chromium is missing",
      ),
    });
  });
});
