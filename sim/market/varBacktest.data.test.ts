/**
 * The VaR backtest on the real daily ETH history of ../shared/data (or $TRIMTAB_MARKET_DATA): optional, the project
 * never needs the files; skipped, saying so, where they are absent. The script's settings: a rolling window of 1,000
 * days, refitted every 30 (a few seconds for ETH's four models).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { marketDataDirectory, readMarketReturns } from "../../scripts/varBacktest.ts";
import { marketModelKinds } from "./fit.ts";
import { backtestVar } from "./varBacktest.ts";

const directory = marketDataDirectory();
const present = existsSync(path.join(directory, "eth-usd-daily.csv"));

describe.skipIf(!present)(
  `VaR backtest on the daily ETH history in ${directory} (skipped when the folder is absent)`,
  () => {
    it("rejects GBM's 99% VaR by Kupiec's test (fat tails), and a fat-tailed model has a higher Kupiec p-value at 99%", () => {
      const eth = readMarketReturns(directory).find((a) => a.asset === "ETH")!;
      const at99 = Object.fromEntries(
        marketModelKinds.map((kind) => [kind, backtestVar(kind, eth.returns).find((t) => t.level === 0.99)!]),
      );
      expect(at99.gbm!.breaches).toBeGreaterThan(at99.gbm!.expectedBreaches);
      expect(at99.gbm!.kupiecPValue).toBeLessThan(0.05);
      const best = Math.max(at99["student-t"]!.kupiecPValue, at99.garch!.kupiecPValue, at99.regimes!.kupiecPValue);
      expect(best).toBeGreaterThan(at99.gbm!.kupiecPValue);
    }, 120_000);
  },
);

if (!present)
  console.warn(`sim/market/varBacktest.data.test.ts: no market data in ${directory}; the ETH backtest is skipped`);
