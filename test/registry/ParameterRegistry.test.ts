import { describe, expect, it } from "vitest";
import { getAddress, parseEventLogs, type Hex } from "viem";
import {
  encodeDefinition,
  encodeRules,
  parameterCatalog,
  parameterKey,
  parameterName,
  type ParameterRules,
  type ParameterSpec,
} from "../../parameters/index.ts";
import {
  action,
  daySeconds,
  deployGovernance,
  propose,
  proposalArgs,
  proposeAndExecute,
  settings,
  Vote,
  type Governance,
} from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { actAsTimelock } from "../helpers/timelock.ts";
import { chainFixture } from "../helpers/fixture.ts";

const key = parameterKey;
const band = key("rebalance.bandBps"); // bps 500, [100, 2000], absolute step 250, 1 day
const interval = key("rebalance.minIntervalSec"); // seconds 86400, [3600, 604800], relative 50%, 1 day
const slippage = key("rebalance.maxSlippageBps"); // bps 50, [5, 300], absolute 25, 1 day, lower is safer
const buffer = key("collateral.healthBufferBps"); // bps 1000, [200, 5000], absolute 500, 1 day, higher is safer
const pauseDeposits = key("pause.deposits"); // bool 0, higher is safer, no interval
const rulesDelay = key("registry.rulesDelay"); // seconds 2 days

function spec(name: string): ParameterSpec {
  const found = parameterCatalog.find((p) => p.name === name);
  if (!found) throw new Error(`no ${name} in the catalog`);
  return found;
}

describe("ParameterRegistry", () => {
  const chain = chainFixture(async function registryFixture(connection) {
    const gov = await deployGovernance(connection);
    const asGov = await actAsTimelock(connection, gov.timelock.address);
    // Every parameter's interval counts from when it was added: start one day later.
    await connection.networkHelpers.time.increase(daySeconds);
    return { ...gov, asGov };
  });

  const load = chain.load;
  const increase = (s: number) => chain.connection.networkHelpers.time.increase(s);
  /** The ParameterSet events of a transaction, as their arguments. */
  const parameterSets = async (registry: Governance["registry"], hash: Hex) => {
    const receipt = await (await chain.connection.viem.getPublicClient()).waitForTransactionReceipt({ hash });
    return parseEventLogs({ abi: registry.abi, logs: receipt.logs, eventName: "ParameterSet" }).map((l) => l.args);
  };

  describe("deployment", () => {
    it("holds every catalog parameter with its value, rules and kind, readable by name", async () => {
      const { registry } = await load();
      const keys = await registry.read.parameterKeys();
      expect(keys.map(parameterName)).toEqual(parameterCatalog.map((p) => p.name));
      for (const p of parameterCatalog) {
        const info = await registry.read.parameter([key(p.name)]);
        const encoded = encodeDefinition(p);
        expect(info).toMatchObject({ key: encoded.key, kind: encoded.kind, value: p.value, rules: encoded.rules });
      }
    });

    it("is owned by the timelock and refuses a deployment without registry.rulesDelay", async () => {
      const { registry, timelock } = await load();
      expect(await registry.read.governance()).toBe(getAddress(timelock.address));
      const withoutDelay = parameterCatalog.filter((p) => p.name !== "registry.rulesDelay").map(encodeDefinition);
      await expectRevert(
        chain.connection.viem.deployContract("ParameterRegistry", [
          timelock.address,
          "0x0000000000000000000000000000000000000000",
          0,
          withoutDelay,
        ]),
        "ParameterKindMismatch",
        [rulesDelay, 2, 0],
        registry.abi,
      );
    });
  });

  describe("reading typed values", () => {
    it("reads numbers, flags and addresses by kind and refuses the wrong kind", async () => {
      const { registry } = await load();
      expect(await registry.read.getUint([band])).toBe(500n);
      expect(await registry.read.getBool([pauseDeposits])).toBe(false);
      await expectRevert(registry.read.getUint([pauseDeposits]), "ParameterKindMismatch", [pauseDeposits, 3, 5]);
      await expectRevert(registry.read.getAddress([band]), "ParameterKindMismatch", [band, 4, 1]);
      await expectRevert(registry.read.getBool([band]), "ParameterKindMismatch", [band, 5, 1]);
      await expectRevert(registry.read.valueOf([key("no.such")]), "ParameterUnknown", [key("no.such")]);
    });
  });

  describe("value rules", () => {
    it("min: a value below min reverts naming the parameter; min itself is accepted", async () => {
      const { registry, asGov } = await load();
      await expectRevert(registry.write.setParameter([slippage, 4n], asGov), "ParameterBelowMin", [slippage, 4n, 5n]);
      await registry.write.setParameter([slippage, 25n], asGov);
      await increase(daySeconds);
      await registry.write.setParameter([slippage, 5n], asGov);
      expect(await registry.read.valueOf([slippage])).toBe(5n);
    });

    it("max: a value above max reverts naming the parameter; max itself is accepted", async () => {
      const { registry, asGov } = await load();
      await registry.write.setParameter([slippage, 75n], asGov);
      for (const v of [100n, 125n, 150n, 175n, 200n, 225n, 250n, 275n]) {
        await increase(daySeconds);
        await registry.write.setParameter([slippage, v], asGov);
      }
      await increase(daySeconds);
      await expectRevert(registry.write.setParameter([slippage, 301n], asGov), "ParameterAboveMax", [
        slippage,
        301n,
        300n,
      ]);
      await registry.write.setParameter([slippage, 300n], asGov);
    });

    it("absolute max step: a move larger than maxStep reverts with the allowed delta", async () => {
      const { registry, asGov } = await load();
      await expectRevert(registry.write.setParameter([band, 751n], asGov), "ParameterStepTooLarge", [
        band,
        500n,
        751n,
        250n,
      ]);
      await expectRevert(registry.write.setParameter([band, 249n], asGov), "ParameterStepTooLarge", [
        band,
        500n,
        249n,
        250n,
      ]);
      await registry.write.setParameter([band, 750n], asGov);
    });

    it("relative max step: a move larger than maxStep bps of the current value reverts", async () => {
      const { registry, asGov } = await load();
      const maxDelta = (86_400n * 5_000n) / 10_000n;
      await expectRevert(
        registry.write.setParameter([interval, 86_400n + maxDelta + 1n], asGov),
        "ParameterStepTooLarge",
        [interval, 86_400n, 86_400n + maxDelta + 1n, maxDelta],
      );
      await registry.write.setParameter([interval, 86_400n - maxDelta], asGov);
      expect(await registry.read.valueOf([interval])).toBe(43_200n);
    });

    it("min interval: a second update before the interval reverts with when it becomes possible", async () => {
      const { registry, asGov } = await load();
      await registry.write.setParameter([band, 600n], asGov);
      const updatedAt = await chain.connection.networkHelpers.time.latest();
      await increase(daySeconds - 10);
      await expectRevert(registry.write.setParameter([band, 700n], asGov), "ParameterUpdatedTooSoon", [
        band,
        updatedAt,
        BigInt(updatedAt + daySeconds),
      ]);
      await increase(10);
      await registry.write.setParameter([band, 700n], asGov);
    });

    it("a value equal to the current one is refused rather than silently restarting the interval", async () => {
      const { registry, asGov } = await load();
      await expectRevert(registry.write.setParameter([band, 500n], asGov), "ParameterUnchanged", [band, 500n]);
    });

    it("an unknown key is refused", async () => {
      const { registry, asGov } = await load();
      await expectRevert(registry.write.setParameter([key("rebalance.bandBPS"), 1n], asGov), "ParameterUnknown", [
        key("rebalance.bandBPS"),
      ]);
    });

    it("every change emits ParameterSet with key, old value, new value and caller", async () => {
      const { registry, asGov, timelock } = await load();
      const hash = await registry.write.setParameter([band, 650n], asGov);
      expect(await parameterSets(registry, hash)).toEqual([
        { key: band, oldValue: 500n, newValue: 650n, caller: getAddress(timelock.address) },
      ]);
    });
  });

  describe("version: what readers cache against", () => {
    it("moves with every added parameter and every changed value, and not with rules", async () => {
      const { registry, asGov, accounts } = await load();
      const keys = await registry.read.parameterKeys();
      expect(await registry.read.version()).toBe(BigInt(keys.length));
      const start = await registry.read.version();

      await registry.write.setParameter([band, 600n], asGov);
      expect(await registry.read.version()).toBe(start + 1n);
      await registry.write.setParameters(
        [
          [
            { key: slippage, value: 40n },
            { key: pauseDeposits, value: 1n },
          ],
        ],
        asGov,
      );
      expect(await registry.read.version()).toBe(start + 3n);
      await registry.write.tighten([[{ key: buffer, value: 1_200n }]], { account: accounts.guardian.account });
      expect(await registry.read.version()).toBe(start + 4n);

      const tighter = { ...spec("rebalance.bandBps").rules, max: 1_000n };
      await registry.write.setRules([band, encodeRules(tighter)], asGov);
      expect(await registry.read.version()).toBe(start + 4n);
      await expectRevert(registry.write.setParameter([band, 600n], asGov), "ParameterUnchanged", [band, 600n]);
      expect(await registry.read.version()).toBe(start + 4n);
    });
  });

  describe("atomic batches", () => {
    it("applies several parameters in one call", async () => {
      const { registry, asGov } = await load();
      await registry.write.setParameters(
        [
          [
            { key: band, value: 700n },
            { key: slippage, value: 40n },
            { key: pauseDeposits, value: 1n },
          ],
        ],
        asGov,
      );
      expect(await registry.read.valueOf([band])).toBe(700n);
      expect(await registry.read.valueOf([slippage])).toBe(40n);
      expect(await registry.read.getBool([pauseDeposits])).toBe(true);
    });

    it("one entry breaking a rule reverts the whole batch and leaves every value as it was", async () => {
      const { registry, asGov } = await load();
      await expectRevert(
        registry.write.setParameters(
          [
            [
              { key: band, value: 700n },
              { key: slippage, value: 400n },
            ],
          ],
          asGov,
        ),
        "ParameterAboveMax",
        [slippage, 400n, 300n],
      );
      expect(await registry.read.valueOf([band])).toBe(500n);
      expect(await registry.read.valueOf([slippage])).toBe(50n);
    });

    it("the same key twice in a batch reverts: a value changes once per transaction, one max step at most", async () => {
      const { registry, asGov } = await load();
      // registry.rulesDelay has no min interval: without the rule, two entries would move it two max steps.
      const days = (n: number) => BigInt(n * daySeconds);
      await expectRevert(
        registry.write.setParameters(
          [
            [
              { key: rulesDelay, value: days(9) },
              { key: rulesDelay, value: days(16) },
            ],
          ],
          asGov,
        ),
        "ParameterAlreadyUpdated",
        [rulesDelay],
      );
      expect(await registry.read.valueOf([rulesDelay])).toBe(days(2));
    });
  });

  describe("one change per parameter per transaction", () => {
    const days = (n: number) => BigInt(n * daySeconds);

    it("two setParameter calls of one proposal revert its execution", async () => {
      const gov = await load();
      const { registry } = gov;
      await expectRevert(
        proposeAndExecute(
          chain.connection,
          gov,
          [
            action(registry, "setParameter", [rulesDelay, days(9)]),
            action(registry, "setParameter", [rulesDelay, days(16)]),
          ],
          "# Two steps at once",
        ),
        "ParameterAlreadyUpdated",
        [rulesDelay],
        registry.abi,
      );
      expect(await registry.read.valueOf([rulesDelay])).toBe(days(2));
    });

    it("the guardian cannot tighten one key twice in a batch", async () => {
      const { registry, accounts } = await load();
      await expectRevert(
        registry.write.tighten(
          [
            [
              { key: rulesDelay, value: days(9) },
              { key: rulesDelay, value: days(16) },
            ],
          ],
          { account: accounts.guardian.account },
        ),
        "ParameterAlreadyUpdated",
        [rulesDelay],
      );
    });

    it("the next transaction may change the value again, within its rules", async () => {
      const { registry, asGov } = await load();
      await registry.write.setParameter([rulesDelay, days(9)], asGov);
      await registry.write.setParameter([rulesDelay, days(16)], asGov);
      expect(await registry.read.valueOf([rulesDelay])).toBe(days(16));
    });
  });

  describe("adding parameters", () => {
    const oracle: ParameterSpec = {
      name: "oracle.feed.WETH",
      kind: "address",
      saferDirection: "none",
      description: "WETH/USD feed",
      value: BigInt("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
      rules: { min: 0n, max: 0n, stepKind: "none", maxStep: 0n, minIntervalSeconds: daySeconds },
    };

    it("adds an address parameter, read back as an address, changed only to a 160-bit value", async () => {
      const { registry, asGov } = await load();
      await registry.write.addParameters([[encodeDefinition(oracle)]], asGov);
      expect(await registry.read.getAddress([key(oracle.name)])).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3");
      await increase(daySeconds);
      await expectRevert(registry.write.setParameter([key(oracle.name), 1n << 160n], asGov), "ParameterInvalidValue", [
        key(oracle.name),
        1n << 160n,
      ]);
      await registry.write.setParameter([key(oracle.name), 0xbeefn], asGov);
      expect(await registry.read.getAddress([key(oracle.name)])).toBe(getAddress(`0x${"0".repeat(36)}beef`));
    });

    it("refuses a key that exists", async () => {
      const { registry, asGov } = await load();
      await expectRevert(
        registry.write.addParameters([[encodeDefinition(spec("rebalance.bandBps"))]], asGov),
        "ParameterAlreadyExists",
        [band],
      );
    });

    const bad: [string, Partial<ParameterSpec> & { rules?: ParameterRules }, string, (k: Hex) => unknown[]][] = [
      [
        "min above max",
        { rules: { ...spec("rebalance.bandBps").rules, min: 900n, max: 800n }, value: 850n },
        "RulesMinAboveMax",
        (k) => [k, 900n, 800n],
      ],
      [
        "bps above 10,000",
        { rules: { ...spec("rebalance.bandBps").rules, max: 10_001n } },
        "RulesMaxAboveKindLimit",
        (k) => [k, 10_001n, 10_000n],
      ],
      [
        "a flag above 1",
        { kind: "bool", rules: { min: 0n, max: 2n, stepKind: "none", maxStep: 0n, minIntervalSeconds: 0 }, value: 0n },
        "RulesMaxAboveKindLimit",
        (k) => [k, 2n, 1n],
      ],
      [
        "bounds on an address",
        {
          kind: "address",
          saferDirection: "none",
          rules: { min: 0n, max: 5n, stepKind: "none", maxStep: 0n, minIntervalSeconds: 0 },
        },
        "RulesNotApplicable",
        (k) => [k, 4],
      ],
      [
        "a step amount without a step kind",
        { rules: { ...spec("rebalance.bandBps").rules, stepKind: "none", maxStep: 5n } },
        "RulesNotApplicable",
        (k) => [k, 1],
      ],
      ["a first value outside its rules", { value: 50n }, "ParameterBelowMin", (k) => [k, 50n, 100n]],
    ];
    for (const [what, change, errorName, args] of bad) {
      it(`refuses a definition with ${what}`, async () => {
        const { registry, asGov } = await load();
        const p = { ...spec("rebalance.bandBps"), name: "test.new", ...change };
        await expectRevert(
          registry.write.addParameters([[encodeDefinition(p)]], asGov),
          errorName,
          args(key("test.new")),
        );
      });
    }
  });

  describe("rules: tightening applies at once, loosening waits registry.rulesDelay", () => {
    const bandRules = spec("rebalance.bandBps").rules;

    it("tighter rules apply immediately and emit RulesSet", async () => {
      const { registry, asGov } = await load();
      const tighter = { ...bandRules, min: 200n, max: 1_000n, maxStep: 100n, minIntervalSeconds: 2 * daySeconds };
      await registry.write.setRules([band, encodeRules(tighter)], asGov);
      expect((await registry.read.parameter([band])).rules).toEqual(encodeRules(tighter));
      await expectRevert(registry.write.setParameter([band, 700n], asGov), "ParameterStepTooLarge", [
        band,
        500n,
        700n,
        100n,
      ]);
    });

    it("looser rules wait the rules delay, then anyone accepts them", async () => {
      const { registry, asGov, accounts } = await load();
      const looser = { ...bandRules, max: 3_000n };
      await registry.write.setRules([band, encodeRules(looser)], asGov);
      const submittedAt = await chain.connection.networkHelpers.time.latest();
      const executableAt = submittedAt + 2 * daySeconds;
      expect(await registry.read.pendingRules([band])).toEqual({ rules: encodeRules(looser), executableAt });
      expect((await registry.read.parameter([band])).rules).toEqual(encodeRules(bandRules));

      await increase(2 * daySeconds - 10);
      await expectRevert(
        registry.write.acceptRules([band], { account: accounts.eve.account }),
        "RulesNotYetExecutable",
        [band, executableAt],
      );
      await increase(10);
      await registry.write.acceptRules([band], { account: accounts.eve.account });
      expect((await registry.read.parameter([band])).rules).toEqual(encodeRules(looser));
      await expectRevert(registry.write.acceptRules([band]), "RulesNotPending", [band]);
    });

    for (const [what, change] of [
      ["a lower min", { min: 50n }],
      ["a shorter interval", { minIntervalSeconds: 3_600 }],
      ["a larger step", { maxStep: 300n }],
      ["no step limit", { stepKind: "none", maxStep: 0n }],
      ["a relative step in place of an absolute one", { stepKind: "relative", maxStep: 1n }],
    ] as const) {
      it(`${what} counts as loosening`, async () => {
        const { registry, asGov } = await load();
        await registry.write.setRules([band, encodeRules({ ...bandRules, ...change })], asGov);
        expect((await registry.read.pendingRules([band])).executableAt).toBeGreaterThan(0);
        expect((await registry.read.parameter([band])).rules).toEqual(encodeRules(bandRules));
      });
    }

    it("the loosening delay is itself the registry.rulesDelay parameter", async () => {
      const { registry, asGov } = await load();
      await registry.write.setParameter([rulesDelay, BigInt(9 * daySeconds)], asGov);
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asGov);
      const now = await chain.connection.networkHelpers.time.latest();
      expect((await registry.read.pendingRules([band])).executableAt).toBe(now + 9 * daySeconds);
    });

    it("a pending loosening lapses RULES_ACCEPTANCE_WINDOW (14 days) after it became executable", async () => {
      const { registry, asGov, accounts } = await load();
      expect(await registry.read.RULES_ACCEPTANCE_WINDOW()).toBe(BigInt(14 * daySeconds));
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asGov);
      const { executableAt } = await registry.read.pendingRules([band]);
      const expiresAt = BigInt(executableAt + 14 * daySeconds);
      await chain.connection.networkHelpers.time.increaseTo(expiresAt);
      await expectRevert(
        registry.write.acceptRules([band], { account: accounts.eve.account }),
        "RulesLooseningExpired",
        [band, expiresAt],
      );
      // Governance submits it again and it waits the delay again; its last acceptable second is taken.
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asGov);
      const again = await registry.read.pendingRules([band]);
      await chain.connection.networkHelpers.time.setNextBlockTimestamp(again.executableAt + 14 * daySeconds - 1);
      await registry.write.acceptRules([band], { account: accounts.eve.account });
      expect((await registry.read.parameter([band])).rules).toEqual(encodeRules({ ...bandRules, max: 3_000n }));
    });

    it("a rules delay beyond the 48-bit clock saturates: the loosening never becomes executable early", async () => {
      const { registry, asGov } = await load();
      // Governance first frees registry.rulesDelay of its max and step (a loosening, so after the delay)…
      const unbounded = { ...spec("registry.rulesDelay").rules, max: 2n ** 128n - 1n, stepKind: "none" as const };
      await registry.write.setRules([rulesDelay, encodeRules({ ...unbounded, maxStep: 0n })], asGov);
      await increase(2 * daySeconds);
      await registry.write.acceptRules([rulesDelay]);
      // …then sets a delay that a 48-bit cast would wrap to one minute.
      await registry.write.setParameter([rulesDelay, 2n ** 48n + 60n], asGov);
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asGov);
      expect((await registry.read.pendingRules([band])).executableAt).toBe(2 ** 48 - 1);
      await increase(365 * daySeconds);
      await expectRevert(registry.write.acceptRules([band]), "RulesNotYetExecutable", [band, 2 ** 48 - 1]);
    });

    it("rules that would exclude the current value are refused", async () => {
      const { registry, asGov } = await load();
      await expectRevert(
        registry.write.setRules([band, encodeRules({ ...bandRules, min: 600n })], asGov),
        "RulesExcludeValue",
        [band, 500n, 600n, 2_000n],
      );
    });

    it("a pending loosening is revoked by governance or the guardian, by nobody else", async () => {
      const { registry, asGov, accounts } = await load();
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asGov);
      await expectRevert(
        registry.write.revokePendingRules([band], { account: accounts.eve.account }),
        "RegistryNotGuardian",
        [getAddress(accounts.eve.account.address)],
      );
      await registry.write.revokePendingRules([band], { account: accounts.guardian.account });
      expect((await registry.read.pendingRules([band])).executableAt).toBe(0);
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asGov);
      await registry.write.revokePendingRules([band], asGov);
      await increase(3 * daySeconds);
      await expectRevert(registry.write.acceptRules([band]), "RulesNotPending", [band]);
    });
  });

  describe("governance's baseline: the guardian can slow risk, never governance", () => {
    it("a guardian's 1-unit tightening in front of a queued proposal does not make it fail", async () => {
      const gov = await load();
      const { registry, governor, accounts } = gov;
      const { time } = chain.connection.networkHelpers;
      // Slippage 50 → 75 is exactly one max step (25) from governance's value; from the guardian's 49 it is 26.
      const actions = [action(registry, "setParameter", [slippage, 75n])];
      const p = proposalArgs(actions, "# Wider slippage");
      const proposalId = await propose(gov, actions, "# Wider slippage");
      await time.increase(settings.votingDelaySeconds + 1);
      await governor.write.castVote([proposalId, Vote.For], { account: accounts.alice.account });
      await time.increaseTo(Number(await governor.read.proposalDeadline([proposalId])) + 1);
      await governor.write.queue([p.targets, p.values, p.calldatas, p.descriptionHash]);

      await registry.write.tighten([[{ key: slippage, value: 49n }]], { account: accounts.guardian.account });
      expect(await registry.read.governanceBaseline([slippage])).toEqual([50n, expect.any(Number)]);
      await time.increase(settings.timelockMinDelaySeconds);
      await governor.write.execute([p.targets, p.values, p.calldatas, p.descriptionHash]);
      expect(await registry.read.valueOf([slippage])).toBe(75n);
    });

    const slippageRules = spec("rebalance.maxSlippageBps").rules;

    it("a guardian's move below governance's new minimum cannot fail the rules change: the value rises to it", async () => {
      const { registry, asGov, accounts } = await load();
      await registry.write.tighten([[{ key: slippage, value: 40n }]], { account: accounts.guardian.account });
      // Governance's value (50) lies within the tighter rules; the guardian's 40 does not.
      const tighter = { ...slippageRules, min: 45n };
      await registry.write.setRules([slippage, encodeRules(tighter)], asGov);
      expect((await registry.read.parameter([slippage])).rules).toEqual(encodeRules(tighter));
      expect(await registry.read.valueOf([slippage])).toBe(45n);
    });

    it("a guardian's move outside a pending loosening's bounds cannot fail its acceptance", async () => {
      const { registry, asGov, accounts } = await load();
      // A higher min and a higher max: a loosening, which waits the rules delay.
      const looser = { ...slippageRules, min: 45n, max: 400n };
      await registry.write.setRules([slippage, encodeRules(looser)], asGov);
      await registry.write.tighten([[{ key: slippage, value: 40n }]], { account: accounts.guardian.account });
      await increase(2 * daySeconds);
      await registry.write.acceptRules([slippage], { account: accounts.eve.account });
      expect((await registry.read.parameter([slippage])).rules).toEqual(encodeRules(looser));
      expect(await registry.read.valueOf([slippage])).toBe(45n);
    });

    it("rules excluding governance's own value are still refused, whatever the guardian did", async () => {
      const { registry, asGov, accounts } = await load();
      await registry.write.tighten([[{ key: slippage, value: 40n }]], { account: accounts.guardian.account });
      await expectRevert(
        registry.write.setRules([slippage, encodeRules({ ...slippageRules, max: 45n })], asGov),
        "RulesExcludeValue",
        [slippage, 50n, 5n, 45n],
      );
    });

    it("the guardian pauses and governance later unpauses", async () => {
      const { registry, accounts, asGov } = await load();
      await registry.write.tighten([[{ key: pauseDeposits, value: 1n }]], { account: accounts.guardian.account });
      expect(await registry.read.getBool([pauseDeposits])).toBe(true);
      await registry.write.setParameter([pauseDeposits, 0n], asGov);
      expect(await registry.read.getBool([pauseDeposits])).toBe(false);
      await registry.write.tighten([[{ key: pauseDeposits, value: 1n }]], { account: accounts.guardian.account });
      expect(await registry.read.getBool([pauseDeposits])).toBe(true);
    });

    it("governance setting the value the guardian already tightened to succeeds and re-baselines", async () => {
      const { registry, accounts, asGov, timelock } = await load();
      await registry.write.tighten([[{ key: slippage, value: 40n }]], { account: accounts.guardian.account });
      const hash = await registry.write.setParameter([slippage, 40n], asGov);
      expect(await parameterSets(registry, hash)).toEqual([
        { key: slippage, oldValue: 40n, newValue: 40n, caller: getAddress(timelock.address) },
      ]);
      const now = await chain.connection.networkHelpers.time.latest();
      expect(await registry.read.governanceBaseline([slippage])).toEqual([40n, now]);
      await increase(daySeconds);
      await expectRevert(registry.write.setParameter([slippage, 40n], asGov), "ParameterUnchanged", [slippage, 40n]);
    });

    it("the guardian does not restart the interval governance's own updates obey", async () => {
      const { registry, accounts, asGov } = await load();
      await registry.write.setParameter([buffer, 1_200n], asGov);
      const governedAt = await chain.connection.networkHelpers.time.latest();
      await increase(daySeconds);
      await registry.write.tighten([[{ key: buffer, value: 1_300n }]], { account: accounts.guardian.account });
      // One second after the guardian's move, a day after governance's own.
      await registry.write.setParameter([buffer, 1_100n], asGov);
      expect(await registry.read.valueOf([buffer])).toBe(1_100n);
      await increase(daySeconds - 10);
      await expectRevert(registry.write.setParameter([buffer, 1_000n], asGov), "ParameterUpdatedTooSoon", [
        buffer,
        governedAt + daySeconds + 2,
        BigInt(governedAt + 2 * daySeconds + 2),
      ]);
    });

    it("governance's step counts from its baseline in both directions", async () => {
      const { registry, accounts, asGov } = await load();
      await registry.write.tighten([[{ key: buffer, value: 1_400n }]], { account: accounts.guardian.account });
      // 1,600 is 200 from the guardian's 1,400 but 600 from governance's 1,000 (max step 500).
      const tooFar = registry.write.setParameter([buffer, 1_600n], asGov);
      await expectRevert(tooFar, "ParameterStepTooLarge", [buffer, 1_000n, 1_600n, 500n]);
      await registry.write.setParameter([buffer, 500n], asGov);
      expect(await registry.read.valueOf([buffer])).toBe(500n);
    });

    it("the baseline stays where governance left it however often the guardian moves", async () => {
      const { registry, accounts } = await load();
      const info = await registry.read.parameter([buffer]);
      expect(await registry.read.governanceBaseline([buffer])).toEqual([1_000n, info.updatedAt]);
      const asGuardian = { account: accounts.guardian.account };
      await registry.write.tighten([[{ key: buffer, value: 1_200n }]], asGuardian);
      await increase(daySeconds);
      await registry.write.tighten([[{ key: buffer, value: 1_500n }]], asGuardian);
      expect(await registry.read.governanceBaseline([buffer])).toEqual([1_000n, info.updatedAt]);
      // The guardian itself keeps today's limits: step and interval from the current value and last change.
      await expectRevert(
        registry.write.tighten([[{ key: buffer, value: 1_600n }]], asGuardian),
        "ParameterUpdatedTooSoon",
      );
    });
  });

  describe("guardian: may only de-risk, within the rules, until its power expires", () => {
    it("pauses and tightens risk limits in their safer direction", async () => {
      const { registry, accounts } = await load();
      const asGuardian = { account: accounts.guardian.account };
      await registry.write.tighten(
        [
          [
            { key: pauseDeposits, value: 1n },
            { key: slippage, value: 30n },
            { key: buffer, value: 1_400n },
          ],
        ],
        asGuardian,
      );
      expect(await registry.read.getBool([pauseDeposits])).toBe(true);
      expect(await registry.read.valueOf([slippage])).toBe(30n);
      expect(await registry.read.valueOf([buffer])).toBe(1_400n);
    });

    it("cannot loosen, cannot touch a parameter with no safer direction, cannot unpause", async () => {
      const { registry, accounts, asGov } = await load();
      const asGuardian = { account: accounts.guardian.account };
      await expectRevert(
        registry.write.tighten([[{ key: slippage, value: 60n }]], asGuardian),
        "ParameterNotDeRisking",
        [slippage, 1, 50n, 60n],
      );
      await expectRevert(
        registry.write.tighten([[{ key: buffer, value: 900n }]], asGuardian),
        "ParameterNotDeRisking",
        [buffer, 2, 1_000n, 900n],
      );
      await expectRevert(registry.write.tighten([[{ key: band, value: 600n }]], asGuardian), "ParameterNotDeRisking", [
        band,
        0,
        500n,
        600n,
      ]);
      await registry.write.setParameter([pauseDeposits, 1n], asGov);
      await expectRevert(
        registry.write.tighten([[{ key: pauseDeposits, value: 0n }]], asGuardian),
        "ParameterNotDeRisking",
      );
    });

    it("is held to min, max step and interval like governance", async () => {
      const { registry, accounts } = await load();
      const asGuardian = { account: accounts.guardian.account };
      await expectRevert(registry.write.tighten([[{ key: slippage, value: 4n }]], asGuardian), "ParameterBelowMin", [
        slippage,
        4n,
        5n,
      ]);
      await expectRevert(
        registry.write.tighten([[{ key: slippage, value: 20n }]], asGuardian),
        "ParameterStepTooLarge",
        [slippage, 50n, 20n, 25n],
      );
      await registry.write.tighten([[{ key: slippage, value: 30n }]], asGuardian);
      await expectRevert(
        registry.write.tighten([[{ key: slippage, value: 25n }]], asGuardian),
        "ParameterUpdatedTooSoon",
      );
    });

    it("cannot call governance functions", async () => {
      const { registry, accounts } = await load();
      const asGuardian = { account: accounts.guardian.account };
      const guardian = getAddress(accounts.guardian.account.address);
      await expectRevert(registry.write.setParameter([slippage, 30n], asGuardian), "RegistryUnauthorized", [guardian]);
      await expectRevert(
        registry.write.setRules([band, encodeRules(spec("rebalance.bandBps").rules)], asGuardian),
        "RegistryUnauthorized",
        [guardian],
      );
      await expectRevert(registry.write.setGuardian([guardian, 2 ** 40], asGuardian), "RegistryUnauthorized", [
        guardian,
      ]);
    });

    it("loses its power at the expiry governance set", async () => {
      const { registry, accounts, guardianExpiresAt } = await load();
      await chain.connection.networkHelpers.time.increaseTo(guardianExpiresAt);
      await expectRevert(
        registry.write.tighten([[{ key: pauseDeposits, value: 1n }]], { account: accounts.guardian.account }),
        "RegistryGuardianExpired",
        [getAddress(accounts.guardian.account.address), Number(guardianExpiresAt)],
      );
    });

    it("is replaced or extended only by governance, and can renounce", async () => {
      const { registry, accounts, asGov } = await load();
      const now = await chain.connection.networkHelpers.time.latest();
      await expectRevert(
        registry.write.setGuardian([accounts.eve.account.address, now], asGov),
        "RegistryGuardianExpiryInPast",
        [now],
      );
      await registry.write.setGuardian([accounts.eve.account.address, now + 100], asGov);
      expect(await registry.read.guardian()).toBe(getAddress(accounts.eve.account.address));
      await expectRevert(
        registry.write.tighten([[{ key: pauseDeposits, value: 1n }]], { account: accounts.guardian.account }),
        "RegistryNotGuardian",
      );
      await registry.write.renounceGuardian({ account: accounts.eve.account });
      expect(await registry.read.guardian()).toBe("0x0000000000000000000000000000000000000000");
      await expectRevert(
        registry.write.tighten([[{ key: pauseDeposits, value: 1n }]], { account: accounts.eve.account }),
        "RegistryNotGuardian",
      );
    });
  });
});
