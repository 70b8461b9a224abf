/**
 * The dry run rewinds the devnet (evm_snapshot … evm_revert): while it runs, nothing else may read or write the
 * chain through this server, or a read would see the proposal applied and a vote sent meanwhile would be undone.
 * A readers–writer lock: requests share the chain, a dry run has it alone.
 */
let readers = 0;
let writer: Promise<void> | undefined;
const drained: (() => void)[] = [];

/** Runs `fn` alongside other shared users, after any exclusive run in progress. */
export async function withSharedChain<T>(fn: () => Promise<T>): Promise<T> {
  while (writer) await writer;
  readers++;
  try {
    return await fn();
  } finally {
    readers--;
    if (readers === 0) drained.splice(0).forEach((resolve) => resolve());
  }
}

/** Runs `fn` alone: waits for shared users to finish and holds new ones until it is done. */
export async function withExclusiveChain<T>(fn: () => Promise<T>): Promise<T> {
  while (writer) await writer;
  let release!: () => void;
  writer = new Promise<void>((resolve) => (release = resolve));
  try {
    if (readers > 0) await new Promise<void>((resolve) => drained.push(resolve));
    return await fn();
  } finally {
    writer = undefined;
    release();
  }
}
