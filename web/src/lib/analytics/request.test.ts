import { describe, expect, it } from "vitest";
import { errorLocations, errorMessages, graphqlRelayUrl, postQuery, readAnswer } from "./request.ts";

/** A fetch that records its call and answers `status` with `body`. */
function answering(status: number, body: string) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  };
  return { calls, fetchFn };
}

describe("postQuery", () => {
  it("posts {query, variables} as JSON to the app's relay and returns the data", async () => {
    const { calls, fetchFn } = answering(200, '{"data":{"_meta":{"block":{"number":7}}}}');
    const outcome = await postQuery(fetchFn, "{ _meta { block { number } } }", { first: 1 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(graphqlRelayUrl);
    expect(calls[0]!.init?.method).toBe("POST");
    expect(JSON.parse(calls[0]!.init?.body as string)).toEqual({
      query: "{ _meta { block { number } } }",
      variables: { first: 1 },
    });
    expect(outcome).toEqual({
      status: 200,
      data: { _meta: { block: { number: 7 } } },
      errors: [],
      raw: JSON.stringify({ data: { _meta: { block: { number: 7 } } } }, null, 2),
    });
  });

  it("returns each of the subgraph's error messages as it states it", async () => {
    const { fetchFn } = answering(
      200,
      JSON.stringify({
        errors: [
          { message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 3 }] },
          { message: "Second problem" },
        ],
      }),
    );
    const outcome = await postQuery(fetchFn, "{ nope }", {});
    expect(outcome.errors).toEqual(['Cannot query field "nope" on type "Query".', "Second problem"]);
    expect(outcome.locations, "where each error is, to point at it").toEqual([{ line: 1, column: 3 }, undefined]);
    expect(outcome.data).toBeNull();
  });

  it("keeps partial data alongside errors", async () => {
    const { fetchFn } = answering(200, '{"data":{"vaults":[]},"errors":[{"message":"partial"}]}');
    const outcome = await postQuery(fetchFn, "{ vaults { id } }", {});
    expect(outcome.data).toEqual({ vaults: [] });
    expect(outcome.errors).toEqual(["partial"]);
  });

  it("reports a network failure with its message, never throwing", async () => {
    const fetchFn = async () => {
      throw new TypeError("Failed to fetch");
    };
    expect(await postQuery(fetchFn, "{ x }", {})).toEqual({
      status: undefined,
      data: null,
      errors: ["No answer from /api/graphql: Failed to fetch"],
      raw: "",
    });
  });
});

describe("readAnswer", () => {
  it("names an HTTP error answered with JSON errors by those errors (the relay's 502)", () => {
    const outcome = readAnswer(502, '{"errors":[{"message":"the subgraph does not answer: connect ECONNREFUSED"}]}');
    expect(outcome.errors).toEqual(["the subgraph does not answer: connect ECONNREFUSED"]);
  });

  it("names an HTTP error without JSON by its status and the start of its body", () => {
    expect(readAnswer(500, "Internal Server Error").errors).toEqual([
      "The subgraph answered HTTP 500 with no JSON: Internal Server Error",
    ]);
    expect(readAnswer(504, "").errors).toEqual(["The subgraph answered HTTP 504 with no JSON."]);
  });

  it("names an HTTP error with JSON but no errors by its status", () => {
    expect(readAnswer(500, '{"data":null}').errors).toEqual(["The subgraph answered HTTP 500."]);
  });

  it("says so when an answer holds neither data nor errors", () => {
    expect(readAnswer(200, "{}").errors).toEqual(["The subgraph answered with neither data nor errors."]);
    expect(readAnswer(200, "[1]").errors).toEqual(["The subgraph answered HTTP 200 with no GraphQL object."]);
  });
});

describe("errorMessages", () => {
  it("takes each item's message, a string as itself, anything else as JSON", () => {
    expect(errorMessages([{ message: "a" }, "b", { code: 1 }])).toEqual(["a", "b", '{"code":1}']);
    expect(errorMessages(undefined)).toEqual([]);
    expect(errorMessages(null)).toEqual([]);
  });
});

describe("errorLocations", () => {
  it("takes each item's first location, none for an item without a well-formed one", () => {
    expect(
      errorLocations([
        {
          message: "a",
          locations: [
            { line: 2, column: 5 },
            { line: 3, column: 1 },
          ],
        },
        { message: "b" },
        { message: "c", locations: [{ line: "2" }] },
        "d",
      ]),
    ).toEqual([{ line: 2, column: 5 }, undefined, undefined, undefined]);
    expect(errorLocations(undefined)).toEqual([]);
  });

  it("are left out of an answer whose errors have none", () => {
    expect(readAnswer(200, '{"errors":[{"message":"x"}]}')).not.toHaveProperty("locations");
  });
});
