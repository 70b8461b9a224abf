import { ensureWebBuilt } from "../../devnet/webProcess.ts";
import buildContracts from "./buildContracts.ts";

/**
 * Vitest global setup of the e2e project: what the chain project builds, and the web app when its sources are newer
 * than its build (once here: two `vite build`s of one project at a time refuse to run).
 */
export default async function buildStack(): Promise<void> {
  await buildContracts();
  await ensureWebBuilt();
}
