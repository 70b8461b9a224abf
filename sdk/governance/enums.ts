/** What the governor's numbers mean: OpenZeppelin Governor's `ProposalState` and GovernorCountingSimple's `support`. */

/** `ProposalState`'s names, by index. */
export const proposalStates = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalStateName = (typeof proposalStates)[number];

/** The states in which a proposal has changed nothing yet: its checks, dry run and simulation still apply. */
export const upcomingStates: ReadonlySet<ProposalStateName> = new Set(["Pending", "Active", "Succeeded", "Queued"]);

/** Each state's index, as `state(proposalId)` returns it: `ProposalState.Queued` is 5. */
export const ProposalState = Object.fromEntries(proposalStates.map((name, index) => [name, index])) as {
  readonly [Name in ProposalStateName]: number;
};

/** A state's name, or `unknown state <n>` for a number the governor does not define. */
export const proposalStateName = (state: number): ProposalStateName | `unknown state ${number}` =>
  proposalStates[state] ?? `unknown state ${state}`;

/** GovernorCountingSimple's `support` values. */
export const VoteSupport = { Against: 0, For: 1, Abstain: 2 } as const;

/** The support values in the order a ballot offers them. */
export const supports = [
  { value: VoteSupport.For, label: "For" },
  { value: VoteSupport.Against, label: "Against" },
  { value: VoteSupport.Abstain, label: "Abstain" },
] as const;
