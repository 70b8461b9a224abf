import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { deployDevnet, type DevnetRecord } from "../../devnet/protocols.ts";
import { devnetAddressBook, validateAddressBook, type AddressBook } from "../../networks/index.ts";
import { uniswapV3FactoryAbi } from "../../sdk/abis/uniswap.ts";
import type { Connection } from "../helpers/governance.ts";

describe("the devnet's address book, against the deployed devnet", () => {
  let connection: Connection;
  let devnet: DevnetRecord;
  let book: AddressBook;

  beforeAll(async () => {
    connection = await hre.network.create();
    ({ record: devnet } = await deployDevnet(connection));
    const chainId = await (await connection.viem.getPublicClient()).getChainId();
    book = devnetAddressBook({ network: "localhost", chainId, devnet });
  });

  it("passes the validator real networks' books pass", () => {
    expect(validateAddressBook(book)).toEqual({ errors: [], warnings: [] });
  });

  it("has each market's id as Morpho Blue knows it: idToMarketParams gives back the book's parameters", async () => {
    const morpho = await connection.viem.getContractAt("Morpho", book.morpho.morpho.address);
    for (const market of book.morpho.markets) {
      const [loanToken, collateralToken, oracle, irm, lltv] = await morpho.read.idToMarketParams([market.id!]);
      expect({ loanToken, collateralToken, oracle, irm, lltv: lltv.toString() }).toEqual({
        loanToken: market.loanToken,
        collateralToken: market.collateralToken,
        oracle: market.oracle,
        irm: market.irm,
        lltv: market.lltv,
      });
    }
  });

  it("has the init code hash of the devnet factory's pools: each pool address it implies is factory.getPool's", async () => {
    const publicClient = await connection.viem.getPublicClient();
    const bySymbol = new Map([book.baseAsset, ...book.riskAssets].map((asset) => [asset.symbol, asset.address]));
    expect(book.uniswap.pools).toHaveLength(2);
    for (const pool of book.uniswap.pools) {
      const deployed = await publicClient.readContract({
        address: book.uniswap.factory.address,
        abi: uniswapV3FactoryAbi,
        functionName: "getPool",
        args: [bySymbol.get(pool.tokens[0])!, bySymbol.get(pool.tokens[1])!, pool.fee],
      });
      expect(deployed).toBe(pool.address);
    }
  });
});
