import { describe, expect, it } from "vitest";
import { parseVariables } from "./variables.ts";

describe("parseVariables", () => {
  it("takes a blank box as no variables", () => {
    expect(parseVariables("")).toEqual({ ok: true, variables: {} });
    expect(parseVariables("  \n ")).toEqual({ ok: true, variables: {} });
  });

  it("takes a JSON object as the variables", () => {
    expect(parseVariables('{"id": "0xaa", "first": 5, "where": {"a": [1]}}')).toEqual({
      ok: true,
      variables: { id: "0xaa", first: 5, where: { a: [1] } },
    });
  });

  it("names the parser's problem when the text is not JSON", () => {
    const parsed = parseVariables("{first: 5}");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(/^Variables are not valid JSON: /);
    expect(parsed.error.length).toBeGreaterThan("Variables are not valid JSON: ".length);
  });

  it("refuses JSON that is not an object, naming what it is", () => {
    expect(parseVariables("[1, 2]")).toEqual({
      ok: false,
      error: 'Variables must be a JSON object such as {"first": 5}, not an array.',
    });
    expect(parseVariables("null")).toMatchObject({ ok: false, error: expect.stringContaining("not null") });
    expect(parseVariables("5")).toMatchObject({ ok: false, error: expect.stringContaining("not a number") });
    expect(parseVariables('"x"')).toMatchObject({ ok: false, error: expect.stringContaining("not a string") });
  });
});
