#!/usr/bin/env node
// The `trimtab` bin. From a checkout it runs cli/trimtab.ts (Node ≥ 22.18 strips its types); installed as a package,
// under node_modules, where Node refuses to strip types, it runs the build that `npm pack` made (dist/trimtab.js).
import { fileURLToPath } from "node:url";

const installed = fileURLToPath(import.meta.url)
  .split(/[\\/]/)
  .includes("node_modules");
await import(installed ? "../dist/trimtab.js" : "./trimtab.ts");
