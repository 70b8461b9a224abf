import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toHex, zeroAddress, type Hex } from "viem";
import { encodeDefinition, parameterCatalog } from "../../parameters/index.ts";

const dayS = 86_400n;
const role = (name: string): Hex => keccak256(toHex(name));

/** TimelockController role identifiers. */
export const timelockRoles = {
  DEFAULT_ADMIN_ROLE: `0x${"00".repeat(32)}` as Hex,
  PROPOSER_ROLE: role("PROPOSER_ROLE"),
  EXECUTOR_ROLE: role("EXECUTOR_ROLE"),
  CANCELLER_ROLE: role("CANCELLER_ROLE"),
} as const;

/**
 * Trimtab's governance core: token, timelock, governor and parameter registry.
 *
 * The timelock is the governor's executor and owns the registry. The deployer holds the timelock's admin role
 * only for the length of this deployment: it grants the governor the proposer, canceller and executor roles,
 * then renounces admin, so that no externally owned account keeps any power over the timelock.
 *
 * Parameters (all optional; durations in seconds, amounts in token wei):
 * tokenRecipient, tokenSupply, timelockMinDelaySeconds, votingDelaySeconds, votingPeriodSeconds,
 * proposalThreshold, quorumNumerator, lateQuorumExtensionSeconds, proposalGuardian, proposalGuardianTermSeconds (how
 * long from deployment the proposal guardian may cancel; default one year, then only a proposal extends it),
 * registryGuardian, registryGuardianExpiresAt, parameterDefinitions (the registry's first parameters, encoded;
 * default: the catalog in parameters/catalog.ts).
 */
export default buildModule("Governance", (m) => {
  const deployer = m.getAccount(0);

  const token = m.contract("TrimtabToken", [
    m.getParameter("tokenRecipient", deployer),
    m.getParameter("tokenSupply", 10_000_000n * 10n ** 18n),
  ]);

  const timelock = m.contract("TimelockController", [
    m.getParameter("timelockMinDelaySeconds", 2n * dayS),
    [],
    [],
    deployer,
  ]);

  const governor = m.contract("TrimtabGovernor", [
    token,
    timelock,
    {
      votingDelaySeconds: m.getParameter("votingDelaySeconds", dayS),
      votingPeriodSeconds: m.getParameter("votingPeriodSeconds", 3n * dayS),
      proposalThreshold: m.getParameter("proposalThreshold", 10_000n * 10n ** 18n),
      quorumNumerator: m.getParameter("quorumNumerator", 4n),
      lateQuorumExtensionSeconds: m.getParameter("lateQuorumExtensionSeconds", dayS),
      proposalGuardian: m.getParameter("proposalGuardian", zeroAddress),
      proposalGuardianTermSeconds: m.getParameter("proposalGuardianTermSeconds", 365n * dayS),
    },
  ]);

  const registry = m.contract("ParameterRegistry", [
    timelock,
    m.getParameter("registryGuardian", zeroAddress),
    m.getParameter("registryGuardianExpiresAt", 0n),
    m.getParameter("parameterDefinitions", parameterCatalog.map(encodeDefinition)),
  ]);

  const grants = (["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"] as const).map((name) =>
    m.call(timelock, "grantRole", [timelockRoles[name], governor], { id: `grant_${name}` }),
  );
  m.call(timelock, "renounceRole", [timelockRoles.DEFAULT_ADMIN_ROLE, deployer], {
    id: "renounce_DEFAULT_ADMIN_ROLE",
    after: grants,
  });

  return { token, timelock, governor, registry };
});
