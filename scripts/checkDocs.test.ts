import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../cli/commandTable.ts";
import {
  anchorsOf,
  badProposalExamples,
  badTrimtabCalls,
  brokenLinks,
  githubSlug,
  missingScripts,
  pagesWithoutPurpose,
  readPages,
  sectionOf,
  shellCommands,
  trimtabCallsOf,
  type Page,
} from "./checkDocs.ts";

const root = path.resolve(import.meta.dirname, "..");
const pages = readPages(root);
const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("the documentation (README.md and docs/)", () => {
  it("has a page per reader, each opening with what its reader wants to do", () => {
    expect(pages.map((page) => page.file)).toEqual(
      expect.arrayContaining([
        "README.md",
        "docs/analysts.md",
        "docs/contributing.md",
        "docs/delegates.md",
        "docs/deployment.md",
        "docs/holders.md",
        "docs/indexer.md",
        "docs/protocol.md",
        "docs/simulation.md",
      ]),
    );
    expect(pagesWithoutPurpose(pages)).toEqual([]);
  });

  it("links only to files that exist, and to headings their pages have", () => {
    expect(brokenLinks(root, pages)).toEqual([]);
  });

  it("shows only trimtab commands the CLI has, each with options that command takes", () => {
    expect(badTrimtabCalls(commands, pages)).toEqual([]);
  });

  it("shows only npm scripts that package.json has", () => {
    expect(missingScripts(scripts, pages)).toEqual([]);
  });

  it("shows only proposal examples that read as proposal files, in their parameters' units", () => {
    expect(badProposalExamples(pages)).toEqual([]);
  });

  it("shows delegates every command of the CLI, and a proposal's whole life from submit to execute, in order", () => {
    const delegates = pages.find((page) => page.file === "docs/delegates.md")!;
    const shown = trimtabCallsOf(delegates).map((args) => args.join(" "));
    for (const command of commands) {
      const words = command.group ? `${command.group} ${command.name}` : command.name;
      expect(
        shown.some((call) => call.startsWith(`${words} `)),
        words,
      ).toBe(true);
    }
    const walk = ["proposal submit", "devnet time", "proposal vote", "devnet time", "proposal queue", "devnet time"];
    const steps = [...walk, "proposal execute"];
    let at = shown.findIndex((call) => call.startsWith(steps[0]!));
    for (const step of steps.slice(1)) {
      at = shown.findIndex((call, i) => i > at && call.startsWith(step));
      expect(at, step).toBeGreaterThan(-1);
    }
  });
});

describe("the documentation's checks", () => {
  const page = (text: string): Page[] => [{ file: "docs/x.md", text }];

  it("makes GitHub's anchors: lower case, punctuation dropped, spaces as dashes, repeats numbered", () => {
    expect(githubSlug("The report: proposal simulate")).toBe("the-report-proposal-simulate");
    expect(githubSlug("How fresh is it: _meta")).toBe("how-fresh-is-it-_meta");
    expect(githubSlug("A proposal's impact")).toBe("a-proposals-impact");
    expect([...anchorsOf("# Two `npm` commands\n\n## Notes\n\n## Notes\n")]).toEqual([
      "two-npm-commands",
      "notes",
      "notes-1",
    ]);
  });

  it("reads a section: from its heading to the next heading of its level or higher, subsections included", () => {
    const text = "# Page\n\n## The walk\n\nstep 1\n\n### Detail\n\nstep 2\n\n## Next\n\nother\n";
    expect(sectionOf(text, "the-walk")).toBe("## The walk\n\nstep 1\n\n### Detail\n\nstep 2\n");
    expect(sectionOf(text, "next")).toBe("## Next\n\nother\n");
    expect(sectionOf(text, "missing")).toBeUndefined();
  });

  it("finds a link to a missing file and to a missing heading, and follows no web link", () => {
    expect(
      brokenLinks(
        root,
        page("[a](nope.md), [b](delegates.md#nope), [c](delegates.md#every-command), [d](https://example.com/x)"),
      ),
    ).toEqual([
      "docs/x.md: the link nope.md goes to docs/nope.md, which does not exist",
      "docs/x.md: the link delegates.md#nope: docs/delegates.md has no heading #nope",
    ]);
  });

  it("reads shell blocks as a shell does: continued lines, quotes, comments, optional [--flags]", () => {
    expect(
      shellCommands('npm run trimtab -- proposal check x.yaml \\\n  [--json]  # exit 1\ntrimtab vote "a # b" && ls'),
    ).toEqual([
      ["npm", "run", "trimtab", "--", "proposal", "check", "x.yaml", "--json"],
      ["trimtab", "vote", "a # b"],
      ["ls"],
    ]);
  });

  it("finds a trimtab command the CLI does not have, and an option its command does not take", () => {
    const text = [
      "```sh",
      "npm run trimtab -- proposal vote 1 --choise For --account 1",
      "trimtab proposal frobnicate x.yaml",
      "trimtab delegate self --json",
      "trimtab proposal check x.yaml --json --help",
      "```",
    ].join("\n");
    expect(badTrimtabCalls(commands, page(text))).toEqual([
      "docs/x.md: trimtab proposal vote 1 --choise For --account 1: proposal vote takes no --choise",
      "docs/x.md: trimtab proposal frobnicate x.yaml: no such command",
      "docs/x.md: trimtab delegate self --json: delegate takes no --json",
    ]);
  });

  it("finds an npm script package.json does not have, in a block or in a sentence", () => {
    expect(missingScripts(scripts, page("Run `npm run bench:nothing`.\n\n```sh\nnpm run test:unit\n```\n"))).toEqual([
      "docs/x.md: npm run bench:nothing: package.json has no such script",
    ]);
  });

  it("finds a proposal example with a bad field, an unknown parameter or a value in the wrong unit", () => {
    const yaml = (body: string) => `\`\`\`yaml\ntitle: A change\nbody: Why\n${body}\n\`\`\`\n`;
    expect(
      badProposalExamples(
        page(
          yaml("changes:\n  rebalance.bandBps: 12h") +
            yaml("changes:\n  rebalance.bandz: 4%") +
            yaml("changes:\n  weight.WBTC: 25%\nsimulation:\n  paths: 0"),
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^docs\/x\.md: changes\."rebalance\.bandBps": unknown unit "h"/),
      'docs/x.md: changes."rebalance.bandz": no such parameter',
      "docs/x.md: simulation.paths: must be a whole number from 1 to 1,000,000, got 0",
    ]);
  });

  it("finds a docs page that does not open with what its reader wants to do", () => {
    expect(pagesWithoutPurpose(page("# X\n\nSome text.\n\n## Y\n"))).toEqual([
      "docs/x.md: does not open with what its reader wants to do (a list of links to its sections)",
    ]);
    expect(pagesWithoutPurpose(page("# X\n\nYou want to:\n\n- [do y](#y)\n\n## Y\n"))).toEqual([]);
  });
});
