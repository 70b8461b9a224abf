import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "./checkImportCycles.ts";

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("the import cycle check (npm run lint)", () => {
  it("finds each set of modules that import one another, however long the loop, and a module importing itself", () => {
    expect(
      importCycles(graph({ a: ["b"], b: ["c"], c: ["a", "d"], d: [], e: ["e"], f: ["g"], g: ["f"], h: ["a"] })),
    ).toEqual([["a", "b", "c"], ["e"], ["f", "g"]]);
  });

  it("lets a Svelte component render itself, but not through another module", () => {
    expect(
      importCycles(graph({ "Tree.svelte": ["Tree.svelte"], "A.svelte": ["B.svelte"], "B.svelte": ["A.svelte"] })),
    ).toEqual([["A.svelte", "B.svelte"]]);
  });

  it("passes a graph whose imports only go one way, shared modules included", () => {
    expect(importCycles(graph({ cli: ["sdk", "sim"], web: ["sdk"], sdk: ["sim"], sim: [] }))).toEqual([]);
  });

  it("follows the web app's subpath imports (#lib/…) as well as relative ones", () => {
    const [imports] = importGraph(["web/src/routes/+layout.svelte"]).values();
    expect(imports).toContain("web/src/lib/wallet/WalletButton.svelte");
  });
});
