import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { governanceCore } from "./Governance.ts";

/**
 * Trimtab's governance core over an existing ERC20Votes token (IERC5805, e.g. a DAO's own): the Governance module
 * without its token. Parameters: token (the votes token's address) and the Governance module's, but tokenRecipient
 * and tokenSupply.
 */
export default buildModule("GovernanceOnToken", (m) => {
  // Only IVotes and IERC6372 (clock) are called on it: TrimtabToken's ABI holds both.
  const token = m.contractAt("TrimtabToken", m.getParameter<string>("token"), { id: "ExistingVotesToken" });
  return { token, ...governanceCore(m, token) };
});
