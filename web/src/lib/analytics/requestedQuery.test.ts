import { describe, expect, it } from "vitest";
import type { ExampleQuery } from "./exampleQueries.ts";
import { headQuery, requestedQuery } from "./requestedQuery.ts";

const examples: ExampleQuery[] = [
  {
    name: "01-vault",
    title: "The vault",
    summary: "Its assets.",
    query: "# The vault: Its assets.\n{ vaults { id } }",
  },
  { name: "02-trades", title: "Trades", summary: "Its trades.", query: "# Trades: Its trades.\n{ trades { id } }" },
];
const params = (search: string) => new URLSearchParams(search);

describe("requestedQuery", () => {
  it("opens with the first example when the address asks for nothing", () => {
    expect(requestedQuery(params(""), examples)).toEqual({
      query: examples[0]!.query,
      variablesText: "",
      example: "01-vault",
      problem: "",
    });
  });

  it("opens with the query and variables of the address (the form without JavaScript), naming its example", () => {
    expect(requestedQuery(params("query=%7B+a+%7D&variables=%7B%22n%22%3A1%7D"), examples)).toEqual({
      query: "{ a }",
      variablesText: '{"n":1}',
      example: undefined,
      problem: "",
    });
    const sent = params(`query=${encodeURIComponent(examples[1]!.query.replaceAll("\n", "\r\n"))}`);
    expect(requestedQuery(sent, examples).example).toBe("02-trades");
  });

  it("opens with the example the address names, or with the first and a sentence naming the unknown one", () => {
    expect(requestedQuery(params("example=02-trades"), examples).query).toBe(examples[1]!.query);
    expect(requestedQuery(params("example=nope"), examples)).toMatchObject({
      query: examples[0]!.query,
      problem: 'There is no example "nope"; the examples are 01-vault, 02-trades.',
    });
  });

  it("opens with the indexed head when there is no example, and takes a blank query as none", () => {
    expect(requestedQuery(params("query=+"), [])).toMatchObject({ query: headQuery, example: undefined });
  });
});
