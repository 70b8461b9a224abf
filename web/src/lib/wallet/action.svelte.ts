/**
 * One user action that signs and sends (a vote, a delegation, a proposal, its queueing): busy while it runs, the
 * progress it reports, and what went wrong in words the user can act on (errors.ts).
 */
import { walletErrorMessage } from "./errors.ts";

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
  return {
    get busy() {
      return busy;
    },
    get notice() {
      return notice;
    },
    get error() {
      return error;
    },
    async run(steps) {
      busy = true;
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
