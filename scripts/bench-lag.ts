/**
 * `npm run bench:lag`: what a deposit followed at once by an exit gains while the feeds lag the market (the pools),
 * per $1M deposited into the invested devnet vault ($1M of alice's at the target weights). For the market 0.5%, 1%
 * and 2% above the feeds, and 1.99% below them (2% there is a hair past the deviation bound for the pools' own
 * rounding), each exit (in kind, in cash): the gain valued at the market, in USD (negative: the newcomer loses, and
 * the holders keep it), or the exit's revert. Prints a table, then one JSON line.
 */
import hre from "hardhat";
import { formatUnits, parseUnits } from "viem";
import { deployInvestedVault, oracleLagRoundTrip, type RoundTripExit } from "../test/helpers/vault.ts";

const connection = await hre.network.create();
const v = await deployInvestedVault(connection);
const lagsBps = [50n, 100n, 200n, -199n];
const exits: RoundTripExit[] = ["inKind", "cash"];
const rows: { lagBps: number; exit: RoundTripExit; gainUsd: number | null; reverted?: string }[] = [];
for (const lagBps of lagsBps) {
  for (const exit of exits) {
    const snapshot = await connection.networkHelpers.takeSnapshot();
    const result = await oracleLagRoundTrip(connection, v, { lagBps, exit, deposit: parseUnits("1000000", 6) });
    rows.push(
      "gainUsdc" in result
        ? { lagBps: Number(lagBps), exit, gainUsd: Number(formatUnits(result.gainUsdc, 6)) }
        : { lagBps: Number(lagBps), exit, gainUsd: null, reverted: result.reverted },
    );
    await snapshot.restore();
  }
}
console.log("market vs feeds | exit    | newcomer's gain per $1M");
for (const row of rows) {
  const lag = `${row.lagBps > 0 ? "+" : ""}${(row.lagBps / 100).toFixed(2)}%`.padEnd(15);
  const gain = row.gainUsd === null ? `reverts: ${row.reverted}` : `$${row.gainUsd.toFixed(2)}`;
  console.log(`${lag} | ${row.exit.padEnd(7)} | ${gain}`);
}
console.log(JSON.stringify({ depositUsd: 1_000_000, rows }));
