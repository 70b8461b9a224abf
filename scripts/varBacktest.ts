/**
 * Backtests the one-day 95% and 99% VaR of each market model (GBM, Student-t, GARCH, regimes) on the daily ETH and BTC
 * history and prints the side-by-side table (sim/market/varBacktest.ts says how forecasts are made and tested).
 *
 *   npm run backtest:var -- [--data <dir>] [--window <returns>] [--refit-every <returns>]
 *
 * The data folder holds `eth-usd-daily.csv` and `btc-usd-daily.csv` (`date,close_usd`); default: $TRIMTAB_MARKET_DATA,
 * else `../shared/data` beside the repository. The project never needs these files: only this script and an optional
 * test read them.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { marketModelKinds } from "../sim/market/fit.ts";
import {
  backtestVar,
  dailyLogReturnsFromCsv,
  varBacktestMarkdown,
  type VarBacktestOptions,
  type VarBacktestRow,
} from "../sim/market/varBacktest.ts";

/** The assets backtested: their name in the table and their file in the data folder. */
export const marketDataFiles = [
  { asset: "ETH", file: "eth-usd-daily.csv" },
  { asset: "BTC", file: "btc-usd-daily.csv" },
] as const;

/** The market data folder: `explicit` if given, else $TRIMTAB_MARKET_DATA, else `<repo>/../shared/data`. */
export function marketDataDirectory(explicit?: string): string {
  return path.resolve(
    explicit ?? process.env.TRIMTAB_MARKET_DATA ?? path.join(import.meta.dirname, "..", "..", "shared", "data"),
  );
}

/** Each asset's daily log returns from `directory`; throws, naming the folder and file, when one is missing. */
export function readMarketReturns(directory: string): { asset: string; returns: number[] }[] {
  if (!existsSync(directory))
    throw new Error(
      `the market data folder ${directory} does not exist: pass --data <dir> or set TRIMTAB_MARKET_DATA to a folder with ${marketDataFiles.map((f) => f.file).join(" and ")}`,
    );
  return marketDataFiles.map(({ asset, file }) => {
    const filePath = path.join(directory, file);
    if (!existsSync(filePath)) throw new Error(`the market data folder ${directory} has no ${file}`);
    return { asset, returns: dailyLogReturnsFromCsv(readFileSync(filePath, "utf8"), file).returns };
  });
}

/** Every model's backtest on every asset of `directory`. */
export function runVarBacktests(directory: string, options: VarBacktestOptions = {}): VarBacktestRow[] {
  return readMarketReturns(directory).flatMap(({ asset, returns }) =>
    marketModelKinds.map((kind) => ({ asset, kind, tests: backtestVar(kind, returns, options) })),
  );
}

function parseArguments(args: readonly string[]): { data?: string; options: VarBacktestOptions } {
  const options: VarBacktestOptions = {};
  let data: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (flag === "--help") {
      console.log("usage: npm run backtest:var -- [--data <dir>] [--window <returns>] [--refit-every <returns>]");
      process.exit(0);
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === "--data") data = value;
    else if (flag === "--window") options.windowReturns = Number(value);
    else if (flag === "--refit-every") options.refitEveryReturns = Number(value);
    else throw new Error(`unknown flag ${flag} (known: --data, --window, --refit-every)`);
  }
  return { ...(data === undefined ? {} : { data }), options };
}

if (import.meta.main) {
  try {
    const { data, options } = parseArguments(process.argv.slice(2));
    const directory = marketDataDirectory(data);
    const started = performance.now();
    const rows = runVarBacktests(directory, options);
    console.log(
      `One-day VaR backtests on ${directory}: rolling window of ${options.windowReturns ?? 1_000} daily returns, ` +
        `refitted every ${options.refitEveryReturns ?? 30} (${((performance.now() - started) / 1_000).toFixed(1)} s)\n`,
    );
    console.log(varBacktestMarkdown(rows).join("\n"));
  } catch (error) {
    console.error(`backtest:var: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
