/** The example queries of the README's section for analysts (its ```graphql blocks): tested and benchmarked. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { readmeExamples } from "../web/src/lib/analytics/readmeExamples.ts";

export async function readmeQueries(): Promise<string[]> {
  const readme = await readFile(path.resolve(import.meta.dirname, "..", "README.md"), "utf8");
  return readmeExamples(readme).map((example) => example.query);
}
