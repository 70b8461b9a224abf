import { zeroAddress } from "viem";
import { parameterCatalog, vaultAssetParameters } from "../../../../parameters/catalog.ts";
import { formatValue } from "../../../../sdk/proposal/units.ts";
import { describeRules } from "#lib/rules.ts";
import { sharedStack } from "#lib/server/sharedStack.ts";
import { querySubgraph } from "#lib/server/subgraph.ts";
import type { PageServerLoad } from "./$types";

type Indexed = {
  name: string;
  changeCount: number;
  updatedTimestamp: string;
  changes: {
    oldValue: string;
    newValue: string;
    byGuardian: boolean;
    timestamp: string;
    proposal: { id: string; title: string } | null;
  }[];
};

export const load: PageServerLoad = async () => {
  const stack = await sharedStack();
  const [registry, { parameters }] = await Promise.all([
    stack.readSnapshot(),
    querySubgraph<{ parameters: Indexed[] }>(`{
      parameters(first: 200, orderBy: name) {
        name changeCount updatedTimestamp
        changes(first: 20, orderBy: timestamp, orderDirection: desc) {
          oldValue newValue byGuardian timestamp proposal { id title }
        }
      }
    }`),
  ]);
  const indexed = new Map(parameters.map((p) => [p.name, p]));
  // The descriptions of the catalog, the vault's per-asset parameters included (their values do not matter here).
  const symbols = Object.keys(registry.parameters)
    .filter((name) => name.startsWith("weight."))
    .map((name) => name.slice("weight.".length));
  const described = new Map(
    [
      ...parameterCatalog,
      ...vaultAssetParameters(
        symbols.map((symbol) => ({ symbol, feed: zeroAddress, heartbeatSec: 0n, weightBps: 0n, poolFee: 0 })),
      ),
    ].map((p) => [p.name, p.description]),
  );
  return {
    parameters: Object.values(registry.parameters)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => {
        const f = (v: bigint) => formatValue(p.name, p.kind, v, registry);
        const history = indexed.get(p.name)?.changes ?? [];
        return {
          name: p.name,
          kind: p.kind,
          description: described.get(p.name) ?? "",
          value: f(p.value),
          rules: describeRules(p, registry),
          saferDirection: p.saferDirection,
          updatedAtSeconds: p.updatedAtSeconds,
          // Every change since deployment (the history below lists the latest 20).
          changeCount: indexed.get(p.name)?.changeCount ?? history.length,
          history: history.map((c) => ({
            before: f(BigInt(c.oldValue)),
            after: f(BigInt(c.newValue)),
            at: Number(c.timestamp),
            by: c.byGuardian ? "guardian" : c.proposal ? "proposal" : "governance",
            proposal: c.proposal,
          })),
        };
      }),
  };
};
