/**
 * One user action that signs and sends (a vote, a delegation, a proposal, its queueing): busy while it runs, the
 * progress it reports, and what went wrong in words the user can act on (errors.ts). Its outcome belongs to the
 * account that acted: once another account (or none) is connected, the finished action's notice and error are gone.
 */
import { walletErrorMessage } from "./errors.ts";
import { wallet } from "./state.svelte.ts";

export type WalletAction = {
  readonly busy: boolean;
  readonly notice: string;
  readonly error: string;
  /** Runs `steps`, which reports its progress through `say`; a string it returns is the final notice. */
  run(steps: (say: (text: string) => void) => Promise<string | void>): Promise<void>;
};

export function walletAction(): WalletAction {
  let busy = $state(false);
  let notice = $state("");
  let error = $state("");
  /** The account connected when the action ran. */
  let actor = $state<string | undefined>(undefined);
  const current = () => busy || actor === wallet.connection?.account;
  return {
    get busy() {
      return busy;
    },
    get notice() {
      return current() ? notice : "";
    },
    get error() {
      return current() ? error : "";
    },
    async run(steps) {
      busy = true;
      actor = wallet.connection?.account;
      notice = "";
      error = "";
      try {
        notice = (await steps((text) => (notice = text))) ?? "";
      } catch (e) {
        notice = "";
        error = walletErrorMessage(e);
      } finally {
        busy = false;
      }
    },
  };
}
