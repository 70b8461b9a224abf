import path from "node:path";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicClient } from "viem";
import { executeQuery, type QueryApi } from "../../indexer/graphql/execute.ts";
import { executableSchema } from "../../indexer/graphql/resolvers.ts";
import { loadSubgraph, withDeployment } from "../../indexer/manifest.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";
import { syncOnce } from "../../indexer/sync.ts";
import { subgraphDir } from "../../scripts/codegen/subgraph.ts";
import * as sdk from "../../sdk/governance/actions.ts";
import { proposalStateName } from "../../sdk/governance/enums.ts";
import {
  action,
  deployGovernance,
  proposalArgs,
  propose,
  settings,
  Vote,
  type Connection,
  type Governance,
} from "../helpers/governance.ts";

/** The governance data sources, pointed at a governance core deployed alone. */
const governanceSources = ["TrimtabGovernor", "TrimtabToken", "TimelockController", "ParameterRegistry"];

type StateChange = {
  state: string;
  sequence: number;
  blockNumber: string;
  timestamp: string;
  transactionHash: string | null;
};
type IndexedProposal = {
  proposalId: string;
  state: string;
  voteStart: string;
  voteEnd: string;
  quorum: string;
  stateChanges: StateChange[];
};

/**
 * Each proposal's votes: `[voter, support]` pairs cast once voting opens. Quorum is 4% of 10,000,000 TRIM
 * (400,000); alice holds 3,000,000, bob 2,000,000, carol 300,000 and dave 5,000, each self-delegated.
 */
const cases = {
  noQuorum: { votes: [["dave", Vote.For]], expected: "Defeated" },
  succeeded: { votes: [["alice", Vote.For]], expected: "Succeeded" },
  moreAgainst: {
    votes: [
      ["alice", Vote.Against],
      ["bob", Vote.For],
    ],
    expected: "Defeated",
  },
  abstainMakesQuorum: {
    votes: [
      ["bob", Vote.Abstain],
      ["dave", Vote.For],
    ],
    expected: "Succeeded",
  },
  lateQuorum: { votes: [], expected: "Succeeded" },
  queuedAtOnce: { votes: [["alice", Vote.For]], expected: "Queued" },
} as const;
type Case = keyof typeof cases;

describe("proposal states the governor's clock begins (the real indexer, over a devnet governor)", () => {
  let connection: Connection;
  let gov: Governance;
  let client: PublicClient;
  let sql: Sql;
  let api: QueryApi;
  const ids = {} as Record<Case, bigint>;
  const indexed = {} as Record<Case, IndexedProposal>;

  beforeAll(async () => {
    connection = await hre.network.create();
    gov = await deployGovernance(connection);
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    const { time } = connection.networkHelpers;
    const governor = gov.governor.address;
    const actionsOf = (name: Case) => [action(gov.governor, "setVotingDelay", [BigInt(settings.votingDelaySeconds)])];
    const descriptionOf = (name: Case) => `# ${name}`;
    for (const name of Object.keys(cases) as Case[]) {
      ids[name] = await propose(gov, actionsOf(name), descriptionOf(name));
    }
    const snapshot = await gov.governor.read.proposalSnapshot([ids.queuedAtOnce]);
    await time.increaseTo(Number(snapshot) + 1);
    for (const name of Object.keys(cases) as Case[]) {
      for (const [voter, support] of cases[name].votes) {
        await sdk.castVote(
          { publicClient: await connection.viem.getPublicClient(), walletClient: gov.accounts[voter] },
          { governor, proposalId: ids[name], support },
        );
      }
    }
    // Late quorum: reached an hour before the deadline, it moves the deadline a day past that vote.
    const deadline = await gov.governor.read.proposalDeadline([ids.lateQuorum]);
    await time.increaseTo(Number(deadline) - 3_600);
    await sdk.castVote(
      { publicClient: await connection.viem.getPublicClient(), walletClient: gov.accounts.alice },
      { governor, proposalId: ids.lateQuorum, support: Vote.For },
    );
    // queuedAtOnce is queued in the first block past its deadline: that block's events see it decided first.
    const queuedDeadline = await gov.governor.read.proposalDeadline([ids.queuedAtOnce]);
    await time.setNextBlockTimestamp(Number(queuedDeadline) + 1);
    const args = proposalArgs(actionsOf("queuedAtOnce"), descriptionOf("queuedAtOnce"));
    await gov.governor.write.queue([args.targets, args.values, args.calldatas, args.descriptionHash], {
      account: gov.accounts.alice.account,
      gas: 1_000_000n,
    });
    // Past every deadline (the late quorum's extended one included), in one jump: nothing else happens meanwhile.
    const extended = await gov.governor.read.proposalDeadline([ids.lateQuorum]);
    await time.increaseTo(Number(extended) + 3_600);
    await connection.networkHelpers.mine();

    const full = await loadSubgraph(path.join(subgraphDir, "build", "default"));
    const subgraph = withDeployment(
      { ...full, dataSources: full.dataSources.filter((ds) => governanceSources.includes(ds.name)) },
      {
        network: "hardhat",
        startBlock: 0,
        contracts: {
          TrimtabGovernor: gov.governor.address,
          TrimtabToken: gov.token.address,
          TimelockController: gov.timelock.address,
          ParameterRegistry: gov.registry.address,
        },
      },
    );
    sql = await openDatabase({});
    const store = await databaseStore(sql, subgraph.schema);
    // Ranges of 40 blocks: the proposals' lives cross several, as they do when the indexer follows a chain.
    const result = await syncOnce({ client, subgraph, store, rangeBlocks: 40 });
    expect(result.failed).toBeUndefined();
    api = { schema: executableSchema(subgraph.schema, store.namespace), sql, store, name: "trimtab", deployment: "Qm" };
    const response = (await executeQuery(api, {
      query: `{ proposals(first: 100) { proposalId state voteStart voteEnd quorum
                stateChanges(orderBy: sequence) { state sequence blockNumber timestamp transactionHash } } }`,
    })) as { data: { proposals: IndexedProposal[] } };
    for (const name of Object.keys(cases) as Case[]) {
      indexed[name] = response.data.proposals.find((p) => p.proposalId === ids[name].toString())!;
    }
  });
  afterAll(async () => sql?.close());

  /** The governor's state for `proposalId` as of `block`, by name. */
  const stateAt = async (proposalId: bigint, block: bigint) =>
    proposalStateName(await gov.governor.read.state([proposalId], { blockNumber: block }));

  it("each proposal's state is the governor's, and its states follow Pending → Active → decided", async () => {
    for (const name of Object.keys(cases) as Case[]) {
      const proposal = indexed[name];
      expect(proposal.state, name).toBe(cases[name].expected);
      expect(proposal.state, name).toBe(proposalStateName(await gov.governor.read.state([ids[name]])));
      const decided = cases[name].expected === "Queued" ? "Succeeded" : cases[name].expected;
      expect(
        proposal.stateChanges.map((s) => s.state).filter((s) => s !== "Extended"),
        name,
      ).toEqual(["Pending", "Active", decided, ...(name === "queuedAtOnce" ? ["Queued"] : [])]);
    }
  });

  it("a vote without quorum is Defeated, though For leads; more Against than For is Defeated with quorum", async () => {
    const quorum = await gov.governor.read.quorum([BigInt(indexed.noQuorum.voteStart)]);
    expect(BigInt(indexed.noQuorum.quorum)).toBe(quorum);
    const [against, forVotes] = await gov.governor.read.proposalVotes([ids.moreAgainst]);
    expect(forVotes).toBeGreaterThanOrEqual(quorum);
    expect(against).toBeGreaterThan(forVotes);
    expect(indexed.moreAgainst.state).toBe("Defeated");
    // Abstain counts toward quorum (COUNTING_MODE quorum=for,abstain): bob's abstention carries dave's For.
    expect(indexed.abstainMakesQuorum.state).toBe("Succeeded");
  });

  it("each clock state begins at the governor's rule: Active at voteStart + 1, decided at voteEnd + 1", async () => {
    for (const name of Object.keys(cases) as Case[]) {
      const proposal = indexed[name];
      const at = (state: string) => proposal.stateChanges.find((s) => s.state === state)!;
      const decided = at(cases[name].expected === "Queued" ? "Succeeded" : cases[name].expected);
      expect(BigInt(at("Active").timestamp), name).toBe(BigInt(proposal.voteStart) + 1n);
      expect(BigInt(decided.timestamp), name).toBe(BigInt(proposal.voteEnd) + 1n);
      expect(BigInt(proposal.voteEnd), name).toBe(await gov.governor.read.proposalDeadline([ids[name]]));
      expect(at("Active").transactionHash).toBeNull();
      expect(decided.transactionHash).toBeNull();
    }
    // The late quorum moved the deadline: the proposal stayed Active past its first one.
    const extended = indexed.lateQuorum.stateChanges.find((s) => s.state === "Extended")!;
    expect(extended.transactionHash).not.toBeNull();
    expect(BigInt(indexed.lateQuorum.voteEnd)).toBeGreaterThan(
      BigInt(indexed.lateQuorum.voteStart) + BigInt(settings.votingPeriodSeconds),
    );
  });

  it("each clock state is recorded at the first block in which the governor reports it", async () => {
    for (const name of Object.keys(cases) as Case[]) {
      expect(indexed[name].stateChanges.map((s) => s.sequence)).toEqual(indexed[name].stateChanges.map((_, i) => i));
      const changes = indexed[name].stateChanges.filter((s) => s.state !== "Extended");
      for (const change of changes) {
        if (change.transactionHash !== null) continue;
        const block = BigInt(change.blockNumber);
        // The governor reads the block's last state after its transactions (an event may follow in the same block).
        const last = changes.filter((s) => s.blockNumber === change.blockNumber).at(-1)!;
        expect(await stateAt(ids[name], block), `${name} ${change.state} at ${block}`).toBe(last.state);
        expect(await stateAt(ids[name], block - 1n), `${name} ${change.state} before ${block}`).not.toBe(change.state);
      }
    }
    // Queued in the first block past the deadline: Succeeded and Queued share that block and second, in that order.
    const [succeeded, queued] = indexed.queuedAtOnce.stateChanges.slice(-2);
    expect([succeeded!.state, queued!.state]).toEqual(["Succeeded", "Queued"]);
    expect([succeeded!.blockNumber, succeeded!.timestamp]).toEqual([queued!.blockNumber, queued!.timestamp]);
  });

  it("no proposal is left open once every vote is decided", async () => {
    const response = (await executeQuery(api, {
      query: `{ governors { clockMode countingMode openProposals { id } } }`,
    })) as { data: { governors: { clockMode: string; countingMode: string; openProposals: unknown[] }[] } };
    expect(response.data.governors).toEqual([
      {
        clockMode: await gov.governor.read.CLOCK_MODE(),
        countingMode: await gov.governor.read.COUNTING_MODE(),
        openProposals: [],
      },
    ]);
  });
});
