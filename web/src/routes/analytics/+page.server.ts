import { readFile } from "node:fs/promises";
import path from "node:path";
import { readmeExamples, type ReadmeExample } from "#lib/analytics/readmeExamples.ts";
import { serverConfig } from "#lib/server/config.ts";
import type { PageServerLoad } from "./$types";

/** The README's example queries for analysts; none (and the reason) when the README cannot be read. */
export const load: PageServerLoad = async () => {
  const file = path.join(serverConfig().root, "README.md");
  let examples: ReadmeExample[] = [];
  let examplesProblem = "";
  try {
    examples = readmeExamples(await readFile(file, "utf8"));
    if (examples.length === 0) examplesProblem = `${file} has no example queries for analysts.`;
  } catch (error) {
    examplesProblem = `README.md could not be read (${(error as Error).message}).`;
  }
  return { examples, examplesProblem };
};
