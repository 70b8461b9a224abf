/**
 * The first step of `npm test`: what the tests need from the machine beyond `npm ci`, checked before anything runs.
 * Chromium (the browser tests drive Debian's `chromium`): when it is missing at its default path and this is a root
 * shell with apt, it is installed as CI does (`.ci/chromium.sh`); otherwise the run stops at once with the one
 * command to run. PostgreSQL is optional: without TRIMTAB_TEST_DATABASE_URL its tests are skipped, and this says so.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
/** Where Debian puts chromium (what `.ci/chromium.sh` installs); $CHROMIUM_PATH overrides it. */
export const defaultChromiumPath = "/usr/bin/chromium";

export type MachineFacts = {
  /** $CHROMIUM_PATH, when set. */
  chromiumPath?: string;
  chromiumExists: (file: string) => boolean;
  /** Whether this shell may install packages with apt (root, with apt-get on the PATH). */
  canInstall: boolean;
  databaseUrl?: string;
};

export type MachinePlan = { install: boolean; problem?: string; notes: string[] };

/** What to do before the tests run: install Chromium, stop with a problem, or go on (with notes). */
export function planTestMachine(facts: MachineFacts): MachinePlan {
  const notes = facts.databaseUrl
    ? []
    : [
        "PostgreSQL: TRIMTAB_TEST_DATABASE_URL is not set, so the indexer's PostgreSQL tests are skipped " +
          '(run them with TRIMTAB_TEST_DATABASE_URL="$(bash .ci/postgres.sh)" npm test).',
      ];
  const file = facts.chromiumPath ?? defaultChromiumPath;
  if (facts.chromiumExists(file)) return { install: false, notes };
  if (facts.chromiumPath === undefined && facts.canInstall) return { install: true, notes };
  const how =
    facts.chromiumPath === undefined
      ? "install Debian's chromium with: sudo bash .ci/chromium.sh (or set CHROMIUM_PATH to a Chromium)"
      : "set CHROMIUM_PATH to a Chromium executable, or unset it to use Debian's (sudo bash .ci/chromium.sh)";
  return {
    install: false,
    problem: `npm test needs Chromium for its browser tests, and ${file} is missing: ${how}`,
    notes,
  };
}

function canInstallWithApt(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const plan = planTestMachine({
    ...(process.env.CHROMIUM_PATH ? { chromiumPath: process.env.CHROMIUM_PATH } : {}),
    chromiumExists: existsSync,
    canInstall: canInstallWithApt(),
    ...(process.env.TRIMTAB_TEST_DATABASE_URL ? { databaseUrl: process.env.TRIMTAB_TEST_DATABASE_URL } : {}),
  });
  for (const note of plan.notes) console.log(note);
  if (plan.install) {
    console.log("Chromium is missing: installing Debian's chromium from apt (.ci/chromium.sh)…");
    try {
      execFileSync("bash", [path.join(root, ".ci", "chromium.sh")], { stdio: "inherit" });
    } catch {
      console.error("Installing chromium failed: run sudo bash .ci/chromium.sh, or set CHROMIUM_PATH, then npm test");
      process.exit(1);
    }
  }
  if (plan.problem) {
    console.error(plan.problem);
    process.exit(1);
  }
}
