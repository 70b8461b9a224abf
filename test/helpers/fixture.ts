import hre from "hardhat";
import { beforeAll } from "vitest";
import type { Connection } from "./governance.ts";

/**
 * The setup a chain test file shares: one in-process Hardhat network for the file, created before its first test,
 * and `deploy` on it as a fixture that `load()` hands each test fresh (Hardhat's loadFixture deploys once, then
 * reverts to that snapshot). Call it in a `describe`; `connection` is the file's network once its tests run.
 * `fixture(other)` adds another starting point on the same network (for example an empty vault and an invested one).
 */
export function chainFixture<T>(deploy: (connection: Connection) => Promise<T>) {
  let connection: Connection | undefined;
  beforeAll(async () => {
    connection = await hre.network.create();
  });
  const ready = (): Connection => {
    if (!connection) throw new Error("chainFixture: its network is created before the first test");
    return connection;
  };
  /** A loader of `deployOn`'s state on the file's network: deployed at its first load, restored at every next. */
  function fixture<U>(deployOn: (connection: Connection) => Promise<U>): () => Promise<U> {
    // loadFixture knows a fixture by its function (a named one): the same function for every test of the file.
    let named: (() => Promise<U>) | undefined;
    return () => {
      const c = ready();
      named ??= async function chainFixture() {
        return deployOn(c);
      };
      return c.networkHelpers.loadFixture(named);
    };
  }
  return {
    get connection(): Connection {
      return ready();
    },
    load: fixture(deploy),
    fixture,
  };
}
