import { describe, expect, it } from "vitest";
import { once } from "./memo.ts";

describe("once: a promise shared by key", () => {
  it("makes one promise per key and gives it to every caller", async () => {
    const map = new Map<string, Promise<number>>();
    let made = 0;
    const make = () => Promise.resolve(++made);
    const first = once(map, "block 7", make, 4);
    expect(once(map, "block 7", make, 4)).toBe(first);
    expect(await first).toBe(1);
    expect(await once(map, "block 8", make, 4)).toBe(2);
  });

  it("forgets a promise that failed, so the next caller tries again", async () => {
    const map = new Map<string, Promise<string>>();
    await expect(once(map, "k", () => Promise.reject(new Error("node down")), 4)).rejects.toThrow("node down");
    await Promise.resolve();
    expect(map.has("k")).toBe(false);
    expect(await once(map, "k", () => Promise.resolve("read"), 4)).toBe("read");
  });

  it("empties the map when it holds `limit` promises", async () => {
    const map = new Map<string, Promise<number>>();
    for (const key of ["a", "b"]) await once(map, key, () => Promise.resolve(1), 2);
    expect([...map.keys()]).toEqual(["a", "b"]);
    await once(map, "c", () => Promise.resolve(1), 2);
    expect([...map.keys()]).toEqual(["c"]);
  });
});
