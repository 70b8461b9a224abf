/** The chain Trimtab runs on here, and whether a wallet's connection can act on it. */
export type Network = { name: string; chainId: number };

/** Why a wallet connected on `connection.chainId` cannot act on `network`, or undefined when it can. */
export function connectionProblem(connection: { chainId: number } | undefined, network: Network): string | undefined {
  if (!connection) return "Connect a wallet first.";
  if (connection.chainId !== network.chainId)
    return (
      `Your wallet is on chain ${connection.chainId}; Trimtab here runs on ${network.name} (chain ${network.chainId}). ` +
      "Switch networks in your wallet."
    );
  return undefined;
}
