import { describe, expect, it } from "vitest";
import { exampleName, exampleQueries, parseExampleQuery } from "./exampleQueries.ts";

describe("parseExampleQuery", () => {
  it("takes the title and what it answers from the first comment line, and keeps the whole text as the query", () => {
    const text = "# The vault now: its assets and holdings.\n{\n  vaults {\n    totalAssets\n  }\n}\n";
    expect(parseExampleQuery("docs/queries/02-vault.graphql", text)).toEqual({
      name: "02-vault",
      title: "The vault now",
      summary: "its assets and holdings.",
      query: "# The vault now: its assets and holdings.\n{\n  vaults {\n    totalAssets\n  }\n}",
    });
  });

  it("splits at the first colon followed by a space, so that the sentence may hold colons", () => {
    const parsed = parseExampleQuery("a.graphql", "# Fees: every fee: value and bounds\n{ parameters { name } }");
    expect([parsed.title, parsed.summary]).toEqual(["Fees", "every fee: value and bounds"]);
  });

  it("reads CRLF line ends alike", () => {
    expect(parseExampleQuery("a.graphql", "# A: b\r\n{ x }\r\n")).toEqual(
      parseExampleQuery("a.graphql", "# A: b\n{ x }\n"),
    );
  });

  it("refuses a file without its header line, naming the file and the line found", () => {
    expect(() => parseExampleQuery("/x/docs/queries/worst.graphql", "{ trades { id } }")).toThrow(
      'docs/queries/worst.graphql: its first line must be "# <title>: <what it answers>", not "{ trades { id } }"',
    );
    expect(() => parseExampleQuery("worst.graphql", "# Worst fills\n{ trades { id } }")).toThrow(/worst\.graphql/);
  });

  it("refuses a file with a header and no query", () => {
    expect(() => parseExampleQuery("empty.graphql", "# Empty: nothing\n\n")).toThrow(
      "docs/queries/empty.graphql has no query",
    );
  });
});

describe("exampleQueries", () => {
  it("orders the examples by file name, whatever the map's order, and skips other files", () => {
    const examples = exampleQueries({
      "../q/10-b.graphql": "# B: b\n{ b }",
      "../q/02-a.graphql": "# A: a\n{ a }",
      "../q/README.md": "not a query",
    });
    expect(examples.map((e) => e.name)).toEqual(["02-a", "10-b"]);
  });

  it("names an example after its file, on either path separator", () => {
    expect(exampleName("C:\\repo\\docs\\queries\\01-x.graphql")).toBe("01-x");
    expect(exampleName("/repo/docs/queries/01-x.graphql")).toBe("01-x");
  });
});
