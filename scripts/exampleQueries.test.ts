import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { querySchemaSdl } from "../indexer/graphql/querySchema.ts";
import { parseSchema } from "../indexer/schema.ts";
import { readExampleQueries } from "./exampleQueries.ts";

describe("the example queries of docs/queries/", async () => {
  const examples = await readExampleQueries();
  const subgraphSchema = await readFile(path.resolve(import.meta.dirname, "..", "subgraph", "schema.graphql"), "utf8");
  /** The query API the indexer serves for the subgraph (the chain test runs every example against it). */
  const api = buildSchema(querySchemaSdl(parseSchema(subgraphSchema)));

  it("are a dozen or more, each a titled query with one sentence saying what it answers", () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
    for (const example of examples) {
      expect(example.title, example.name).not.toBe("");
      expect(example.summary, example.name).toMatch(/^\S.*[.!?]$/);
      expect(example.query.split("\n")[1], example.name).toBe("{");
    }
  });

  it("each parse and validate against the subgraph's query schema", () => {
    for (const example of examples) {
      const errors = validate(api, parse(example.query)).map((error) => error.message);
      expect(errors, example.name).toEqual([]);
    }
  });

  it("start with the vault's performance, the default of the analytics console", () => {
    expect(examples[0]!.title).toBe("Performance over a period");
  });
});
