/** A proposal as TypeScript: the same fields as a YAML proposal, as the module's default export. */
export default {
  title: "Wider slippage bound, twice-daily rebalancing",
  body: `# Wider slippage bound, twice-daily rebalancing

Allow trades to fill up to 0.6% from the oracle (instead of 0.5%) and rebalance up to every 12 hours, so that large
drifts are worked off faster through the pools' depth.

| Parameter | Current | Proposed |
| --- | --- | --- |
| \`rebalance.maxSlippageBps\` | 0.5% | 0.6% |
| \`rebalance.minIntervalSec\` | 1d | 12h |`,
  changes: {
    "rebalance.maxSlippageBps": "0.6%",
    "rebalance.minIntervalSec": "12h",
  },
};
