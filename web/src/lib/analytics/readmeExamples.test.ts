import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readmeExamples } from "./readmeExamples.ts";

const sample = [
  "## Subgraph",
  "",
  "Not for analysts:",
  "",
  "```graphql",
  "{ before }",
  "```",
  "",
  "### For analysts: the GraphQL API",
  "",
  "Some introduction.",
  "",
  "The vault now:",
  "",
  "```graphql",
  "{",
  "  vaults {",
  "    totalAssets",
  "  }",
  "}",
  "```",
  "",
  "A shell command is no example:",
  "",
  "```sh",
  "curl http://127.0.0.1:8000",
  "```",
  "",
  "Trades are swaps. The worst fills, whatever",
  "caused them:",
  "",
  "```graphql",
  "{ trades { slippageBps } }",
  "```",
  "```graphql",
  "{ untitled }",
  "```",
  "",
  "## Proposals as code",
  "",
  "Still in the section:",
  "",
  "```graphql",
  "{ proposals { id } }",
  "```",
  "",
  "## Tests",
  "",
  "After the section:",
  "",
  "```graphql",
  "{ after }",
  "```",
].join("\n");

describe("readmeExamples on a sample README", () => {
  it('takes the ```graphql blocks between "### For analysts" and "## Tests", in order', () => {
    expect(readmeExamples(sample).map((e) => e.query)).toEqual([
      "{\n  vaults {\n    totalAssets\n  }\n}",
      "{ trades { slippageBps } }",
      "{ untitled }",
      "{ proposals { id } }",
    ]);
  });

  it("titles each with the sentence just above it, without its colon, a wrapped sentence joined", () => {
    expect(readmeExamples(sample).map((e) => e.title)).toEqual([
      "The vault now",
      "The worst fills, whatever caused them",
      "Example 3",
      "Still in the section",
    ]);
  });

  it("reads a README with CRLF line ends alike", () => {
    expect(readmeExamples(sample.replaceAll("\n", "\r\n"))).toEqual(readmeExamples(sample));
  });

  it("finds nothing when the section is missing", () => {
    expect(readmeExamples("# A project\n\n```graphql\n{ x }\n```\n")).toEqual([]);
    expect(readmeExamples("")).toEqual([]);
  });

  it("reads to the end when there is no Tests section, and keeps a code block's own fences apart", () => {
    const readme = "### For analysts\n\nNested:\n\n````graphql\n{ a }\n```\n{ b }\n````\n";
    expect(readmeExamples(readme)).toEqual([{ title: "Nested", query: "{ a }\n```\n{ b }" }]);
  });
});

describe("readmeExamples on the repository's README.md", async () => {
  const readme = await readFile(path.resolve(import.meta.dirname, "../../../../README.md"), "utf8");
  const examples = readmeExamples(readme);

  it("finds at least 6 examples, each a query starting with {", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples) expect(example.query.startsWith("{"), example.title).toBe(true);
  });

  it("titles each with a sentence, no colon at its end", () => {
    for (const example of examples) {
      expect(example.title).not.toMatch(/^Example \d+$/);
      expect(example.title).not.toMatch(/:$/);
    }
    expect(examples[0]!.title).toBe("Performance over a period (daily closes, returns, drawdowns, flows and fees)");
  });
});
