import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { scaffoldProposal, type ScaffoldBase } from "../../sdk/proposal/scaffold.ts";
import { connect, type Command } from "../command.ts";

/** `trimtab proposal new <name>`: a proposal file to start from, never over an existing one. */
export const newCommand: Command = {
  group: "proposal",
  name: "new",
  argument: "<name>",
  summary:
    "Scaffolds <dir>/<name>.yaml (making <dir> if need be): a title, a body and one parameter change to edit, half\n" +
    "a step from the value in force on the chain (the catalog's first value when the chain cannot be\n" +
    "read), so that it passes its checks.",
  examples: ["trimtab proposal new tighter-band", "trimtab proposal new tighter-band --dir proposals/drafts"],
  options: ["dir", "rpc", "deployment"],
  async run(name, values) {
    const file = path.join(values.dir, `${name}.yaml`);
    let base: ScaffoldBase;
    let from = "the value in force";
    try {
      base = { from: "registry", registry: await (await connect(values)).readSnapshot() };
    } catch (error) {
      base = { from: "catalog", context: { baseSymbol: "USDC", baseDecimals: 6 } };
      from = `the catalog's first value (${(error as Error).message})`;
    }
    const template = scaffoldProposal(name, base);
    await mkdir(values.dir, { recursive: true });
    await writeFile(file, template, { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${file}: ${error.code === "EEXIST" ? "already exists" : error.message}`);
    });
    console.log(`wrote ${file}, its change moved from ${from}`);
    console.log(`edit its title, body and changes, then run trimtab proposal check ${file}`);
    return 0;
  },
};
