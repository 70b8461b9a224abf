/**
 * Reads a proposal from disk (Node only): a `.yaml`/`.yml` file, a `.ts` module whose default export is the same
 * object, or a folder holding `proposal.yaml` and `body.md`.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseProposal, ProposalError, readProposal, type ProposalDraft } from "./proposalFile.ts";

export async function loadProposal(file: string): Promise<ProposalDraft> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new ProposalError(file, "", "no such file or folder");
  if (info.isDirectory()) {
    const yamlFile = path.join(file, "proposal.yaml");
    const yamlText = await readFile(yamlFile, "utf8").catch(() => {
      throw new ProposalError(file, "", "a proposal folder must hold proposal.yaml (and body.md)");
    });
    const body = await readFile(path.join(file, "body.md"), "utf8").catch(() => undefined);
    return parseProposal(yamlFile, yamlText, body);
  }
  if (file.endsWith(".ts")) {
    const module = (await import(pathToFileURL(path.resolve(file)).href).catch((error: unknown) => {
      throw new ProposalError(file, "", `is not valid TypeScript: ${(error as Error).message.split("\n")[0]}`);
    })) as { default?: unknown };
    if (module.default === undefined)
      throw new ProposalError(file, "", "must export the proposal as its default export");
    return readProposal(file, module.default);
  }
  if (!/\.ya?ml$/.test(file)) throw new ProposalError(file, "", "a proposal is a .yaml or .ts file, or a folder");
  return parseProposal(file, await readFile(file, "utf8"));
}
