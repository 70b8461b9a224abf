import { advanceDevnetTime } from "../../devnet/time.ts";
import { utcMinutes } from "../../sdk/time.ts";
import { parseDurationSeconds } from "../../sdk/proposal/units.ts";
import { reachDeployment, type Command } from "../command.ts";

/** `trimtab devnet time <duration>`: the devnet's clock moved ahead, its feeds kept fresh. */
export const timeCommand: Command = {
  group: "devnet",
  name: "time",
  argument: "<duration>",
  summary:
    'Moves the devnet\'s clock ahead ("1d", "6h", "3 days") and re-posts every feed\'s answer, as the devnet\'s\n' +
    "keeper does, so that the vault's oracle stays fresh. Only a devnet's clock moves: its record has a devnet part.",
  examples: ["trimtab devnet time 1d", "trimtab devnet time 6h --rpc http://127.0.0.1:18745"],
  options: ["rpc", "deployment"],
  async run(duration, values) {
    let seconds: bigint;
    try {
      seconds = parseDurationSeconds(duration);
    } catch (error) {
      throw new Error(`<duration>: ${(error as Error).message}`);
    }
    const { record, transport } = await reachDeployment(values);
    const now = await advanceDevnetTime(transport, record, values.deployment, seconds);
    console.log(`the devnet's clock is at ${utcMinutes(Number(now))}; its feeds were re-posted then`);
    return 0;
  },
};
