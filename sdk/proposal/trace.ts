/**
 * A proposal transaction's trace, decoded from the node's tracers (`debug_traceTransaction`, as geth and Hardhat's
 * EDR answer it): the call tree from `callTracer` (with its logs), and what changed from `prestateTracer` in diff
 * mode. Pure: the dry run (sdk/proposal/dryRun.ts) asks the node and hands the answers here; the rules that judge a
 * trace are sdk/proposal/checks/trace.ts's.
 */
import {
  decodeEventLog,
  decodeFunctionData,
  encodeAbiParameters,
  erc20Abi,
  getAddress,
  keccak256,
  numberToHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";

/** One frame of `callTracer`'s answer (hex quantities as the node gives them). */
export type CallFrame = {
  type: string;
  from: Address;
  to?: Address;
  value?: Hex;
  input?: Hex;
  output?: Hex;
  error?: string;
  calls?: CallFrame[];
  logs?: { address: Address; topics: Hex[]; data: Hex }[];
};

/** An account in `prestateTracer`'s diff: only what the transaction changed is there. */
export type AccountState = { balance?: Hex; nonce?: number; code?: Hex; storage?: Record<Hex, Hex> };

/** `prestateTracer`'s answer with `diffMode: true`: the changed accounts before (`pre`) and after (`post`). */
export type PrestateDiff = { pre: Record<Address, AccountState>; post: Record<Address, AccountState> };

/** One call of the tree, in the order the EVM made them; `depth` 0 is the proposal's own call. */
export type TracedCall = {
  depth: number;
  /** CALL, STATICCALL, DELEGATECALL, CALLCODE, CREATE, CREATE2 or SELFDESTRUCT. */
  type: string;
  from: Address;
  to: Address;
  /** The stack contract's name when `to` is one, or the token's symbol. */
  contract?: string;
  /** Whether `to` is one of the stack's contracts (a token known only by its symbol is not). */
  isStackContract: boolean;
  /** `setParameters`, `transfer`…, or the 4-byte selector when no ABI knows it; "" for empty calldata. */
  function: string;
  /** The decoded arguments, compact JSON; the raw calldata after the selector when no ABI knows it. */
  args: string;
  valueWei: bigint;
  /** Whether `to` had code when the call was made (precompiles count as code). */
  hasCode: boolean;
  /** Why the frame reverted, when it did (its state changes, logs included, are undone). */
  error?: string;
  /**
   * The events the call itself emitted (its callees' are theirs), in order; absent when it emitted none or its changes
   * were undone (it, or a caller, reverted); absent in old reports too.
   */
  events?: TracedEvent[];
};

/** An event of the trace, decoded with the stack's and ERC-20's ABIs, else its first topic and raw data. */
export type TracedEvent = {
  address: Address;
  /** The emitting stack contract's name, or the token's symbol. */
  contract?: string;
  /** `RoleGranted`, `Transfer`…, or the event's first topic when no ABI knows it. */
  name: string;
  /** The decoded arguments by name, compact JSON; `{"data":"0x…"}` when no ABI knows the event. */
  args: string;
};

export type StorageChange = {
  slot: Hex;
  before: Hex;
  after: Hex;
  /** The mapping entry the slot belongs to, when a known key finds it: "weight.USDC (mapping at slot 3, word 0)". */
  name?: string;
};

/** What one transaction changed: storage by contract, ETH balances (gas aside), ERC-20 balances. */
export type StateDiff = {
  storage: { address: Address; contract?: string; slots: StorageChange[] }[];
  /** ETH balances, the sender's gas fee and the block producer's tip left out. */
  balances: { address: Address; contract?: string; beforeWei: bigint; afterWei: bigint }[];
  /** Net ERC-20 balance moves from the Transfer events of the frames that did not revert; zero nets left out. */
  tokens: { token: Address; holder: Address; deltaWei: bigint }[];
};

/** Keys of a contract's mappings whose entries are named in its storage diff: `weight.USDC` and its bytes32. */
export type MappingKeys = Readonly<Record<string, readonly { label: string; key: Hex }[]>>;

/** Mappings sit at a slot below this, and their entries' structs span fewer words than this, in the stack's contracts. */
const maxMappingSlot = 16;
const maxStructWords = 4;

/**
 * Names the slots that are entries of a `mapping(bytes32 => …)` at a low slot (Solidity's layout: an entry's words
 * start at keccak256(key . slot)), trying each known key at each such slot: cheap, and no storage layout needed.
 */
export function nameSlots(slots: readonly StorageChange[], keys: MappingKeys[string]): StorageChange[] {
  const names = new Map<string, string>();
  for (const { label, key } of keys)
    for (let slot = 0; slot < maxMappingSlot; slot++) {
      const base = BigInt(
        keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [key, BigInt(slot)])),
      );
      for (let word = 0; word < maxStructWords; word++)
        names.set(numberToHex(base + BigInt(word), { size: 32 }), `${label} (mapping at slot ${slot}, word ${word})`);
    }
  return slots.map((s) => {
    const name = names.get(s.slot.toLowerCase());
    return name ? { ...s, name } : s;
  });
}

/** The trace of one of the proposal's transactions (`call`: its index among the dry run's calls). */
export type TransactionTrace = { call: number; calls: TracedCall[]; state: StateDiff };

/** What the decoding knows: names of contracts by address, the ABIs, which addresses had code. */
export type TraceContext = {
  /** Stack contracts by name (a deployment record's `contracts`). */
  contracts: Readonly<Record<string, Address | undefined>>;
  /** Token symbols by address, for naming calls to tokens that are not stack contracts. */
  tokens?: Readonly<Record<Address, { symbol: string }>>;
  abi: Abi;
  /** Addresses (any case) that had code when the transaction ran. */
  withCode: ReadonlySet<string>;
};

/** `{ "0xabc…": "PortfolioVault" }`, keys lower case. */
export function contractNames(contracts: TraceContext["contracts"]): Map<string, string> {
  return new Map(
    Object.entries(contracts)
      .filter((entry): entry is [string, Address] => entry[1] !== undefined)
      .map(([name, address]) => [address.toLowerCase(), name]),
  );
}

/** Precompiles (0x01 to 0xff here, which covers every fork's) have no code but are not empty accounts. */
const isPrecompile = (address: string) => BigInt(address) > 0n && BigInt(address) <= 0xffn;

const json = (value: unknown) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "";

/** The call tree flattened depth first, each call named and decoded as far as the ABIs go. */
export function decodeCallTrace(root: CallFrame, context: TraceContext): TracedCall[] {
  const names = contractNames(context.contracts);
  const tokens = new Map(Object.entries(context.tokens ?? {}).map(([a, t]) => [a.toLowerCase(), t.symbol]));
  const withCode = new Set([...context.withCode].map((a) => a.toLowerCase()));
  const abis = [context.abi, erc20Abi as Abi];
  const out: TracedCall[] = [];
  const nameOf = (address: string) => names.get(address.toLowerCase()) ?? tokens.get(address.toLowerCase());
  const visit = (frame: CallFrame, depth: number, undone: boolean) => {
    const to = getAddress(frame.to ?? "0x0000000000000000000000000000000000000000");
    const key = to.toLowerCase();
    const contract = nameOf(key);
    const { name, args } = decodeInput(abis, frame.input ?? "0x");
    const reverted = undone || frame.error !== undefined;
    const events = reverted ? [] : (frame.logs ?? []).map((log) => decodeLog(abis, log, nameOf(log.address)));
    out.push({
      depth,
      type: frame.type.toUpperCase(),
      from: getAddress(frame.from),
      to,
      ...(contract ? { contract } : {}),
      isStackContract: names.has(key),
      function: name,
      args,
      valueWei: BigInt(frame.value ?? "0x0"),
      hasCode: withCode.has(key) || isPrecompile(key),
      ...(frame.error ? { error: frame.error } : {}),
      ...(events.length ? { events } : {}),
    });
    for (const child of frame.calls ?? []) visit(child, depth + 1, reverted);
  };
  visit(root, 0, false);
  return out;
}

function decodeLog(
  abis: readonly Abi[],
  log: { address: Address; topics: readonly Hex[]; data: Hex },
  contract: string | undefined,
): TracedEvent {
  const address = getAddress(log.address);
  const named = contract ? { contract } : {};
  for (const abi of abis) {
    try {
      const event = decodeEventLog({ abi, data: log.data, topics: [...log.topics] as [Hex, ...Hex[]] });
      return { address, ...named, name: String(event.eventName), args: json(event.args ?? {}) };
    } catch {
      // Not this ABI's: try the next.
    }
  }
  return { address, ...named, name: log.topics[0] ?? "anonymous", args: json({ data: log.data }) };
}

function decodeInput(abis: readonly Abi[], input: Hex): { name: string; args: string } {
  if (input === "0x" || input.length < 10) return { name: "", args: input === "0x" ? "" : input };
  for (const abi of abis) {
    try {
      const decoded = decodeFunctionData({ abi, data: input });
      return { name: decoded.functionName, args: json(decoded.args ?? []) };
    } catch {
      // Not this ABI's: try the next.
    }
  }
  return { name: input.slice(0, 10), args: input.length > 10 ? `0x${input.slice(10)}` : "" };
}

/** The logs of the frames that did not revert (a reverted frame's logs, and its children's, are undone). */
export function logsOf(root: CallFrame): { address: Address; topics: Hex[]; data: Hex }[] {
  if (root.error) return [];
  return [...(root.logs ?? []), ...(root.calls ?? []).flatMap(logsOf)];
}

/**
 * The state diff of one transaction: each contract's changed storage slots (raw 32-byte words; a slot missing
 * before or after is zero, as the tracer leaves zero slots out), ETH balance changes with `gas` (the sender's fee and
 * the block producer, whose tip it is) left out, and the ERC-20 balances the Transfer events in `logs` moved.
 */
export function decodeStateDiff(
  diff: PrestateDiff,
  logs: readonly { address: Address; topics: readonly Hex[]; data: Hex }[],
  context: Pick<TraceContext, "contracts"> & { mappingKeys?: MappingKeys },
  gas: { sender: Address; feeWei: bigint; producer?: Address },
): StateDiff {
  const names = contractNames(context.contracts);
  const named = (address: Address) => {
    const contract = names.get(address.toLowerCase());
    return contract ? { contract } : {};
  };
  const zero = `0x${"0".repeat(64)}` as Hex;
  const word = (value: Hex | undefined): Hex => (value ? (`0x${value.slice(2).padStart(64, "0")}` as Hex) : zero);
  const accounts = [...new Set([...Object.keys(diff.pre), ...Object.keys(diff.post)].map((a) => getAddress(a)))];
  const find = (side: Record<Address, AccountState>, address: Address) =>
    Object.entries(side).find(([a]) => a.toLowerCase() === address.toLowerCase())?.[1];

  const storage: StateDiff["storage"] = [];
  const balances: StateDiff["balances"] = [];
  for (const address of accounts) {
    const pre = find(diff.pre, address);
    const post = find(diff.post, address);
    const slotKeys = [...new Set([...Object.keys(pre?.storage ?? {}), ...Object.keys(post?.storage ?? {})])];
    const slots = slotKeys
      .map((slot) => ({
        slot: slot as Hex,
        before: word(pre?.storage?.[slot as Hex]),
        after: word(post?.storage?.[slot as Hex]),
      }))
      .filter((s) => s.before !== s.after)
      .sort((a, b) => (BigInt(a.slot) < BigInt(b.slot) ? -1 : 1));
    const keys = context.mappingKeys?.[names.get(address.toLowerCase()) ?? ""];
    if (slots.length) storage.push({ address, ...named(address), slots: keys ? nameSlots(slots, keys) : slots });

    if (gas.producer && address.toLowerCase() === gas.producer.toLowerCase()) continue;
    const beforeWei = BigInt(pre?.balance ?? post?.balance ?? "0x0");
    let afterWei = BigInt(post?.balance ?? pre?.balance ?? "0x0");
    if (address.toLowerCase() === gas.sender.toLowerCase()) afterWei += gas.feeWei;
    if (beforeWei !== afterWei) balances.push({ address, ...named(address), beforeWei, afterWei });
  }
  return { storage, balances, tokens: tokenMoves(logs) };
}

/** Net ERC-20 moves per token and holder from Transfer events (other events, and ERC-721's, are skipped). */
export function tokenMoves(
  logs: readonly { address: Address; topics: readonly Hex[]; data: Hex }[],
): StateDiff["tokens"] {
  const net = new Map<string, bigint>();
  const add = (token: Address, holder: Address, delta: bigint) => {
    const key = `${getAddress(token)}:${getAddress(holder)}`;
    net.set(key, (net.get(key) ?? 0n) + delta);
  };
  for (const log of logs) {
    if (log.topics.length !== 3) continue; // ERC-721's Transfer has the id indexed too
    try {
      const event = decodeEventLog({
        abi: erc20Abi,
        eventName: "Transfer",
        data: log.data,
        topics: [...log.topics] as [Hex, ...Hex[]],
      });
      const { from, to, value } = event.args;
      add(log.address, from, -value);
      add(log.address, to, value);
    } catch {
      // Not a Transfer.
    }
  }
  return [...net]
    .filter(([, delta]) => delta !== 0n)
    .map(([key, deltaWei]) => {
      const [token, holder] = key.split(":") as [Address, Address];
      return { token, holder, deltaWei };
    });
}
