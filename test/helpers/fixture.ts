import hre from "hardhat";
import { beforeAll } from "vitest";
import type { Connection } from "./governance.ts";

/**
 * The setup a chain test file shares: one in-process Hardhat network for the file, created before its first test,
 * and `deploy` on it as a fixture that `load()` hands each test fresh (Hardhat's loadFixture deploys once, then
 * reverts to that snapshot). Call it in a `describe`; `connection` is the file's network once its tests run.
 */
export function chainFixture<T>(deploy: (connection: Connection) => Promise<T>) {
  let connection: Connection | undefined;
  // loadFixture knows a fixture by its function (a named one): the same function for every test of the file.
  let fixture: (() => Promise<T>) | undefined;
  beforeAll(async () => {
    const created = await hre.network.create();
    connection = created;
    fixture = async function chainFixture() {
      return deploy(created);
    };
  });
  const ready = () => {
    if (!connection || !fixture) throw new Error("chainFixture: its network is created before the first test");
    return { connection, fixture };
  };
  return {
    get connection(): Connection {
      return ready().connection;
    },
    load(): Promise<T> {
      const { connection: c, fixture: f } = ready();
      return c.networkHelpers.loadFixture(f);
    },
  };
}
