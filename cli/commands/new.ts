import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "../command.ts";

/** `trimtab proposal new <name>`: a proposal file to start from, never over an existing one. */
export const newCommand: Command = {
  name: "new",
  argument: "<name>",
  summary: "Scaffolds <dir>/<name>.yaml: a title, a body and one parameter change to edit.",
  options: ["dir"],
  async run(name, values) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new Error(`proposal names are lowercase words joined by dashes, e.g. tighter-band; got "${name}"`);
    const file = path.join(values.dir, `${name}.yaml`);
    const title = name.replaceAll("-", " ");
    const template = `title: ${title}
body: |
  # ${title}

  What this changes and why; what the impact report shows.
changes:
  # Parameter names are the registry's; values in their units: "4%", "250 bps", "12h", "1_000_000 USDC", true.
  rebalance.bandBps: 4%
simulation:
  paths: 2000
  seed: 1
`;
    await writeFile(file, template, { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${file}: ${error.code === "EEXIST" ? "already exists" : error.message}`);
    });
    console.log(`wrote ${file}: edit its title, body and changes, then run trimtab proposal check ${file}`);
    return 0;
  },
};
