/**
 * `npm run bench:gas`: gas of Trimtab's governance next to a plain OpenZeppelin Governor, in one run.
 *
 * Both governors use the same token and the same voters, each its own TimelockController and its own
 * ParameterRegistry, and run the same proposals; so the difference is the governor's extensions alone.
 * Also measures one registry update against a bare one-SSTORE setter. Prints a table, then one JSON line.
 *
 * Votes: `castVote` is a vote that leaves the proposal below quorum, `castVoteReachingQuorum` the one vote that
 * crosses it (where GovernorPreventLateQuorum records the extended deadline), `castVoteWithReason` and
 * `castVoteBySig` come after quorum.
 */
import hre from "hardhat";
import { maxUint256, parseEther, parseUnits, type Address, type Hash, type Hex } from "viem";
import { deployStack } from "../devnet/stack.ts";
import { swapRouterAbi } from "../sdk/abis/uniswap.ts";
import { timelockRoles } from "../ignition/modules/Governance.ts";
import GovernanceModule from "../ignition/modules/Governance.ts";
import { encodeDefinition, parameterCatalog, parameterKey } from "../parameters/index.ts";
import { signBallot } from "../sdk/governance/actions.ts";
import { action, proposalArgs, type ProposalAction } from "../sdk/proposalArgs.ts";
import { guardedActions } from "../sdk/proposal/guard.ts";
import { readGuardConditions } from "../sdk/proposal/guardState.ts";

const day = 86_400;
const connection = await hre.network.create();
const { viem, networkHelpers } = connection;
const publicClient = await viem.getPublicClient();
const [deployer, alice, bob, carol, relayer, dave] = await viem.getWalletClients();
if (!deployer || !alice || !bob || !carol || !relayer || !dave) throw new Error("need 6 accounts");

async function gasOf(hash: Promise<Hash>): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return receipt.gasUsed;
}

// Trimtab: the production module. Baseline: a plain OZ Governor on the same token with its own timelock.
const trimtab = await connection.ignition.deploy(GovernanceModule, { displayUi: false });
const { token } = trimtab;
const baselineTimelock = await viem.deployContract("TimelockController", [
  BigInt(2 * day),
  [],
  [],
  deployer.account.address,
]);
const baselineGovernor = await viem.deployContract("BaselineGovernor", [
  token.address,
  baselineTimelock.address,
  day,
  3 * day,
  parseEther("10000"),
  4n,
]);
for (const role of [timelockRoles.PROPOSER_ROLE, timelockRoles.CANCELLER_ROLE, timelockRoles.EXECUTOR_ROLE]) {
  await baselineTimelock.write.grantRole([role, baselineGovernor.address]);
}
await baselineTimelock.write.renounceRole([timelockRoles.DEFAULT_ADMIN_ROLE, deployer.account.address]);
const baselineRegistry = await viem.deployContract("ParameterRegistry", [
  baselineTimelock.address,
  "0x0000000000000000000000000000000000000000",
  0,
  parameterCatalog.map(encodeDefinition),
]);

for (const [voter, amount] of [
  [alice, "3000000"],
  [bob, "2000000"],
  [carol, "1000000"],
  [dave, "100000"],
] as const) {
  await token.write.transfer([voter.account.address, parseEther(amount)]);
  await token.write.delegate([voter.account.address], { account: voter.account });
}
await networkHelpers.time.increase(day);

// Both are driven through the plain Governor's ABI: every function used here has the same signature in both.
type Governor = typeof baselineGovernor;
const systems = {
  trimtab: {
    governor: await viem.getContractAt("BaselineGovernor", trimtab.governor.address),
    registry: trimtab.registry,
  },
  baseline: { governor: baselineGovernor, registry: baselineRegistry },
};
type SystemName = keyof typeof systems;

const oneChange = (registry: typeof trimtab.registry): ProposalAction[] => [
  action(registry, "setParameter", [parameterKey("rebalance.bandBps"), 600n]),
];
const fiveChanges = (registry: typeof trimtab.registry): ProposalAction[] =>
  (
    [
      ["rebalance.maxTradeBps", 1_200n],
      ["rebalance.maxSlippageBps", 60n],
      ["collateral.targetLtvBps", 3_200n],
      ["hedge.ratioBps", 5_500n],
      ["oracle.maxDeviationBps", 250n],
    ] as const
  ).map(([name, value]) => action(registry, "setParameter", [parameterKey(name), value]));

async function ballotSignature(governor: Governor, proposalId: bigint): Promise<Hex> {
  const ballot = await signBallot(
    { publicClient, walletClient: carol! },
    { governor: governor.address, proposalId, support: 1 },
  );
  return ballot.signature;
}

/**
 * Runs one proposal on both systems side by side and returns each step's gas. With `guarded`, Trimtab's calls are
 * wrapped by its postcondition guard as `proposal submit` wraps them (`guarded` gives the parameter changed, before
 * and after); the baseline's stay bare.
 */
async function lifecycle(
  label: string,
  actionsOf: (registry: typeof trimtab.registry) => ProposalAction[],
  guarded?: { name: string; before: bigint; after: bigint },
) {
  const gas: Record<SystemName, Record<string, bigint>> = { trimtab: {}, baseline: {} };
  const args = {} as Record<SystemName, ReturnType<typeof proposalArgs> & { id: bigint }>;
  for (const name of Object.keys(systems) as SystemName[]) {
    const { governor, registry } = systems[name];
    const description = `# ${label}`;
    const calls = actionsOf(registry);
    const actions =
      guarded && name === "trimtab"
        ? guardedActions({
            guard: trimtab.proposalGuard.address,
            governor: trimtab.governor.address,
            actions: calls,
            description,
            conditions: await readGuardConditions(
              publicClient,
              { registry: registry.address, timelock: trimtab.timelock.address, governor: trimtab.governor.address },
              [guarded],
            ),
          })
        : calls;
    const p = proposalArgs(actions, description);
    gas[name].propose = await gasOf(
      governor.write.propose([p.targets, p.values, p.calldatas, p.description], { account: alice!.account }),
    );
    args[name] = { ...p, id: await governor.read.hashProposal([p.targets, p.values, p.calldatas, p.descriptionHash]) };
  }
  await networkHelpers.time.increase(day + 1);
  for (const name of Object.keys(systems) as SystemName[]) {
    const { governor } = systems[name];
    const { id } = args[name];
    // Quorum is 400,000 votes: dave's 100,000 stay below it, alice's 3,000,000 cross it, the rest come after.
    gas[name].castVote = await gasOf(governor.write.castVote([id, 1], { account: dave!.account }));
    gas[name].castVoteReachingQuorum = await gasOf(governor.write.castVote([id, 1], { account: alice!.account }));
    gas[name].castVoteWithReason = await gasOf(
      governor.write.castVoteWithReason([id, 1, "Tighter risk limits"], { account: bob!.account }),
    );
    const signature = await ballotSignature(governor, id);
    gas[name].castVoteBySig = await gasOf(
      governor.write.castVoteBySig([id, 1, carol!.account.address, signature], { account: relayer!.account }),
    );
  }
  await networkHelpers.time.increase(3 * day + 1);
  for (const name of Object.keys(systems) as SystemName[]) {
    const { targets, values, calldatas, descriptionHash } = args[name];
    gas[name].queue = await gasOf(systems[name].governor.write.queue([targets, values, calldatas, descriptionHash]));
  }
  await networkHelpers.time.increase(2 * day + 1);
  for (const name of Object.keys(systems) as SystemName[]) {
    const { targets, values, calldatas, descriptionHash } = args[name];
    gas[name].execute = await gasOf(
      systems[name].governor.write.execute([targets, values, calldatas, descriptionHash]),
    );
  }
  return gas;
}

const single = await lifecycle("One parameter change", oneChange);
await networkHelpers.time.increase(day);
const five = await lifecycle("Five parameter changes", fiveChanges);
await networkHelpers.time.increase(day);
// The same kind of one-parameter change, guarded on Trimtab (the baseline's bare, as before).
const guardedOne = await lifecycle(
  "One parameter change, guarded",
  (registry) => [action(registry, "setParameter", [parameterKey("hedge.bandBps"), 1_200n])],
  { name: "hedge.bandBps", before: 1_000n, after: 1_200n },
);

// Registry update vs a bare one-SSTORE setter, each a top-level call from the account allowed to make it.
await networkHelpers.impersonateAccount(trimtab.timelock.address);
await networkHelpers.setBalance(trimtab.timelock.address, parseEther("1"));
await networkHelpers.time.increase(day);
const bare = await viem.deployContract("BareSetter");
const bareSetterGas = await gasOf(bare.write.set([2n]));
const registryUpdateGas = await gasOf(
  trimtab.registry.write.setParameter([parameterKey("rebalance.bandBps"), 700n], {
    account: trimtab.timelock.address as Address,
  }),
);

const ratio = (a: bigint, b: bigint) => Math.round((Number(a) / Number(b)) * 1000) / 1000;
const rows: [string, bigint, bigint][] = [
  ["propose (1 change)", single.trimtab.propose!, single.baseline.propose!],
  ["castVote", single.trimtab.castVote!, single.baseline.castVote!],
  ["castVote (quorum)", single.trimtab.castVoteReachingQuorum!, single.baseline.castVoteReachingQuorum!],
  ["castVoteWithReason", single.trimtab.castVoteWithReason!, single.baseline.castVoteWithReason!],
  ["castVoteBySig", single.trimtab.castVoteBySig!, single.baseline.castVoteBySig!],
  ["queue (1 change)", single.trimtab.queue!, single.baseline.queue!],
  ["execute (1 change)", single.trimtab.execute!, single.baseline.execute!],
  ["propose (5 changes)", five.trimtab.propose!, five.baseline.propose!],
  ["queue (5 changes)", five.trimtab.queue!, five.baseline.queue!],
  ["execute (5 changes)", five.trimtab.execute!, five.baseline.execute!],
  ["propose (1, guarded)", guardedOne.trimtab.propose!, guardedOne.baseline.propose!],
  ["execute (1, guarded)", guardedOne.trimtab.execute!, guardedOne.baseline.execute!],
];
console.log("\nGas: Trimtab governance vs plain OpenZeppelin Governor (same token, voters and registry calls)\n");
console.log(`${"operation".padEnd(22)}${"trimtab".padStart(10)}${"baseline".padStart(10)}${"ratio".padStart(8)}`);
for (const [name, t, b] of rows) {
  console.log(
    `${name.padEnd(22)}${String(t).padStart(10)}${String(b).padStart(10)}${ratio(t, b).toFixed(3).padStart(8)}`,
  );
}
const guardOverhead = guardedOne.trimtab.execute! - single.trimtab.execute!;
console.log(
  `\nThe postcondition guard (begin + verify, its conditions: the parameter as shown and set, the governor's\n` +
    `and the timelock's roles, the registry's guardian) adds ${guardOverhead} gas to a one-change execution, and\n` +
    `${guardedOne.trimtab.propose! - single.trimtab.propose!} to its propose (the calldata of both guard calls).`,
);
console.log(`\nregistry setParameter   ${registryUpdateGas}`);
console.log(`bare one-SSTORE setter  ${bareSetterGas}`);
console.log(`registry overhead       ${registryUpdateGas - bareSetterGas} per parameter`);
console.log(
  "\nThe vote that reaches quorum costs more with Trimtab: GovernorPreventLateQuorum computes the quorum and stores\n" +
    "the proposal's extended deadline once (a new storage slot, 22,100 gas). Every other vote pays one extra cold\n" +
    "read of that slot (2,100 gas) plus the deadline lookup.\n",
);

// The vault, on the full devnet stack in a second in-process chain.
const vaultBench = await benchVault();
console.log("Vault actions\n");
for (const [name, gas] of Object.entries(vaultBench.actions))
  console.log(`${name.padEnd(24)}${String(gas).padStart(10)}`);
console.log(
  `\nrebalance (${vaultBench.trades} trades) ${vaultBench.rebalance} vs the same swaps sent directly to the SwapRouter ` +
    `${vaultBench.directSwaps} (ratio ${ratio(vaultBench.rebalance, vaultBench.directSwaps)})\n`,
);

const entry = (t: bigint, b: bigint) => ({ gas: Number(t), baseline: Number(b), ratio: ratio(t, b) });
console.log(
  JSON.stringify({
    propose: entry(single.trimtab.propose!, single.baseline.propose!),
    castVote: entry(single.trimtab.castVote!, single.baseline.castVote!),
    castVoteReachingQuorum: entry(single.trimtab.castVoteReachingQuorum!, single.baseline.castVoteReachingQuorum!),
    castVoteWithReason: entry(single.trimtab.castVoteWithReason!, single.baseline.castVoteWithReason!),
    castVoteBySig: entry(single.trimtab.castVoteBySig!, single.baseline.castVoteBySig!),
    queue: entry(single.trimtab.queue!, single.baseline.queue!),
    execute1: entry(single.trimtab.execute!, single.baseline.execute!),
    execute5: entry(five.trimtab.execute!, five.baseline.execute!),
    executeGuarded1: entry(guardedOne.trimtab.execute!, guardedOne.baseline.execute!),
    guardExecuteOverhead: Number(guardOverhead),
    registryUpdate: Number(registryUpdateGas),
    bareSetter: Number(bareSetterGas),
    registryOverheadPerParam: Number(registryUpdateGas - bareSetterGas),
    ...Object.fromEntries(Object.entries(vaultBench.actions).map(([k, v]) => [k, Number(v)])),
    rebalance: {
      gas: Number(vaultBench.rebalance),
      directSwaps: Number(vaultBench.directSwaps),
      ratio: ratio(vaultBench.rebalance, vaultBench.directSwaps),
    },
  }),
);

/**
 * Deposits (into a vault holding only the base asset, and once invested), withdrawals, a rebalance, the collateral
 * manager's first actions (post, borrow) and the hedge's first short on the devnet stack. The rebalance is measured, then the chain is rolled
 * back and the same trades (same amounts and minimum outputs) are sent to the SwapRouter one by one by an
 * account that already approved it: `directSwaps` is their total gas.
 */
async function benchVault() {
  const chain = await hre.network.create();
  const { viem: v, networkHelpers: helpers } = chain;
  const client = await v.getPublicClient();
  const [, guardian, user, keeper, trader] = await v.getWalletClients();
  if (!guardian || !user || !keeper || !trader) throw new Error("need 5 accounts");
  const gas = async (hash: Promise<Hash>) => {
    const receipt = await client.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt.gasUsed;
  };
  const stack = await deployStack(chain, { network: "bench" });
  const { tokens, uniswap } = stack.devnet.record;
  const usdc = await v.getContractAt("DevnetToken", tokens.USDC.address);
  await usdc.write.mint([user.account.address, parseUnits("2000000", 6)]);
  await usdc.write.approve([stack.vault.address, maxUint256], { account: user.account });

  const actions: Record<string, bigint> = {};
  actions.vaultDepositFirst = await gas(
    stack.vault.write.deposit([parseUnits("1000000", 6), user.account.address], { account: user.account }),
  );
  actions.vaultDeposit = await gas(
    stack.vault.write.deposit([parseUnits("100000", 6), user.account.address], { account: user.account }),
  );

  const [, plan] = await stack.vault.read.rebalancePlan();
  const snapshot = await helpers.takeSnapshot();
  const rebalance = await gas(stack.vault.write.rebalance({ account: keeper.account }));
  await snapshot.restore();
  let directSwaps = 0n;
  for (const t of plan) {
    const tokenIn = await v.getContractAt("DevnetToken", t.tokenIn);
    await tokenIn.write.mint([trader.account.address, t.amountIn]);
    await tokenIn.write.approve([uniswap.swapRouter, maxUint256], { account: trader.account });
    directSwaps += await gas(
      trader.writeContract({
        address: uniswap.swapRouter,
        abi: swapRouterAbi,
        functionName: "exactInputSingle",
        args: [
          {
            tokenIn: t.tokenIn,
            tokenOut: t.tokenOut,
            fee: uniswap.poolFee,
            recipient: trader.account.address,
            deadline: maxUint256,
            amountIn: t.amountIn,
            amountOutMinimum: t.minAmountOut,
            sqrtPriceLimitX96: 0n,
          },
        ],
      }),
    );
  }
  await snapshot.restore();
  await gas(stack.vault.write.rebalance({ account: keeper.account }));
  // A deposit into the invested vault prices its risk assets at their pools too (entry prices); rolled back, so
  // that the lines after it measure the same state as before.
  const invested = await helpers.takeSnapshot();
  actions.vaultDepositInvested = await gas(
    stack.vault.write.deposit([parseUnits("100000", 6), user.account.address], { account: user.account }),
  );
  await invested.restore();

  const manager = await v.getContractAt("CollateralManager", stack.collateralManager.address);
  actions.collateralPost = await gas(manager.write.manage({ account: keeper.account }));
  actions.collateralBorrow = await gas(manager.write.manage({ account: keeper.account }));
  const hedge = await v.getContractAt("HedgeModule", stack.hedgeModule.address);
  actions.hedgeIncrease = await gas(hedge.write.manage({ account: keeper.account }));

  const shares = await stack.vault.read.balanceOf([user.account.address]);
  actions.vaultRedeem = await gas(
    stack.vault.write.redeem([shares / 10n, user.account.address, user.account.address], { account: user.account }),
  );
  actions.vaultWithdraw = await gas(
    stack.vault.write.withdraw([parseUnits("10000", 6), user.account.address, user.account.address], {
      account: user.account,
    }),
  );
  actions.vaultRedeemInKind = await gas(
    stack.vault.write.redeemInKind([shares / 10n, user.account.address, user.account.address], {
      account: user.account,
    }),
  );
  return { actions, rebalance, directSwaps, trades: plan.length };
}
