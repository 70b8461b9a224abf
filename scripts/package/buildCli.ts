/**
 * Builds the `trimtab` command for an installed package: one ES module, dist/trimtab.js, bundling the CLI with the
 * SDK and the simulator it calls, the npm packages it imports left as imports (they are the package's dependencies).
 *
 * Why a build: Node strips TypeScript types from files of a checkout but refuses to for files under node_modules,
 * which is where `npm install -g` and `npm install trimtab` put the package. A checkout runs cli/trimtab.ts itself
 * (cli/bin.js chooses). `npm pack` runs this first (the prepack script).
 */
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Bundles cli/trimtab.ts into `outfile` (dist/trimtab.js by default), and each worker thread's script beside it, where
 * sdk/threadScript.ts finds it in a build: the advisor's (advisorThread.js). Returns the CLI's file.
 */
export async function buildCli(outfile = path.join(root, "dist", "trimtab.js")): Promise<string> {
  const outdir = path.dirname(outfile);
  await build({
    entryPoints: [
      { in: path.join(root, "cli", "trimtab.ts"), out: path.basename(outfile, ".js") },
      { in: path.join(root, "sdk", "advisor", "threadWorker.ts"), out: "advisorThread" },
    ],
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`built ${path.relative(root, await buildCli())}`);
}
