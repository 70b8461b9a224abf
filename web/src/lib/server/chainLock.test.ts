import { describe, expect, it } from "vitest";
import { withExclusiveChain, withSharedChain } from "./chainLock.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("the chain lock between requests and a dry run", () => {
  it("lets requests share the chain, and runs a dry run alone once they are done", async () => {
    const events: string[] = [];
    const read = (name: string) =>
      withSharedChain(async () => {
        events.push(`${name} start`);
        await tick();
        events.push(`${name} end`);
      });
    const first = read("a");
    const second = read("b");
    const dry = withExclusiveChain(async () => {
      events.push("dry start");
      await tick();
      events.push("dry end");
    });
    const late = read("c"); // arrives during the dry run: waits for it
    await Promise.all([first, second, dry, late]);
    expect(events).toEqual(["a start", "b start", "a end", "b end", "dry start", "dry end", "c start", "c end"]);
  });

  it("releases the chain when a dry run fails", async () => {
    await expect(withExclusiveChain(() => Promise.reject(new Error("reverted")))).rejects.toThrow("reverted");
    expect(await withSharedChain(async () => "read")).toBe("read");
  });

  it("runs two dry runs one after the other", async () => {
    const events: string[] = [];
    const run = (name: string) =>
      withExclusiveChain(async () => {
        events.push(`${name} start`);
        await tick();
        events.push(`${name} end`);
      });
    await Promise.all([run("x"), run("y")]);
    expect(events).toEqual(["x start", "x end", "y start", "y end"]);
  });
});
