import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { keccak256, toHex, zeroAddress, type Hex } from "viem";
import { encodeDefinition, parameterCatalog } from "../../parameters/index.ts";

const dayS = 86_400n;

/** The Governance modules' defaults (durations in seconds, amounts in token wei); the deployer is the default recipient. */
export const governanceDefaults = {
  tokenSupply: 10_000_000n * 10n ** 18n,
  timelockMinDelaySeconds: 2n * dayS,
  votingDelaySeconds: dayS,
  votingPeriodSeconds: 3n * dayS,
  proposalThreshold: 10_000n * 10n ** 18n,
  quorumNumerator: 4n,
  lateQuorumExtensionSeconds: dayS,
  proposalGuardian: zeroAddress,
  proposalGuardianTermSeconds: 365n * dayS,
  registryGuardian: zeroAddress,
  registryGuardianExpiresAt: 0n,
} as const;
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
  const token = m.contract("TrimtabToken", [
    m.getParameter("tokenRecipient", m.getAccount(0)),
    m.getParameter("tokenSupply", governanceDefaults.tokenSupply),
  ]);
  return { token, ...governanceCore(m, token) };
});

/**
 * The timelock, governor and registry over `token` (deployed by this module or an existing votes token), and the
 * timelock's roles: what the Governance and GovernanceOnToken modules share.
 */
export function governanceCore(m: IgnitionModuleBuilder, token: ContractFuture<string>) {
  const deployer = m.getAccount(0);
  const d = governanceDefaults;

  const timelock = m.contract("TimelockController", [
    m.getParameter("timelockMinDelaySeconds", d.timelockMinDelaySeconds),
    [],
    [],
    deployer,
  ]);

  const governor = m.contract("TrimtabGovernor", [
    token,
    timelock,
    {
      votingDelaySeconds: m.getParameter("votingDelaySeconds", d.votingDelaySeconds),
      votingPeriodSeconds: m.getParameter("votingPeriodSeconds", d.votingPeriodSeconds),
      proposalThreshold: m.getParameter("proposalThreshold", d.proposalThreshold),
      quorumNumerator: m.getParameter("quorumNumerator", d.quorumNumerator),
      lateQuorumExtensionSeconds: m.getParameter("lateQuorumExtensionSeconds", d.lateQuorumExtensionSeconds),
      proposalGuardian: m.getParameter<string>("proposalGuardian", d.proposalGuardian),
      proposalGuardianTermSeconds: m.getParameter("proposalGuardianTermSeconds", d.proposalGuardianTermSeconds),
    },
  ]);

  const registry = m.contract("ParameterRegistry", [
    timelock,
    m.getParameter<string>("registryGuardian", d.registryGuardian),
    m.getParameter("registryGuardianExpiresAt", d.registryGuardianExpiresAt),
    m.getParameter("parameterDefinitions", parameterCatalog.map(encodeDefinition)),
  ]);

  // Binds each proposal's execution to what its voters were shown (contracts/governance/ProposalGuard.sol).
  const proposalGuard = m.contract("ProposalGuard", [timelock, registry]);

  const grants = (["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"] as const).map((name) =>
    m.call(timelock, "grantRole", [timelockRoles[name], governor], { id: `grant_${name}` }),
  );
  m.call(timelock, "renounceRole", [timelockRoles.DEFAULT_ADMIN_ROLE, deployer], {
    id: "renounce_DEFAULT_ADMIN_ROLE",
    after: grants,
  });

  return { timelock, governor, registry, proposalGuard };
}
