/** A result streamed to a page: what it is, or why it is not there (a sentence the page shows as is). */
export type Settled<T> = ({ ok: true } & T) | { ok: false; message: string };

/** `promise`'s value as a Settled, its failure as the reason. */
export function settled<T extends object>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, ...value }),
    (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
  );
}

/** A result that cannot be had, and why. */
export function unavailable(message: string): Promise<{ ok: false; message: string }> {
  return Promise.resolve({ ok: false as const, message });
}
