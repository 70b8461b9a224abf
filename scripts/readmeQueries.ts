/** The example queries of the README's section for analysts (its ```graphql blocks): tested and benchmarked. */
import { readFile } from "node:fs/promises";
import path from "node:path";

export async function readmeQueries(): Promise<string[]> {
  const readme = await readFile(path.resolve(import.meta.dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### For analysts"), readme.indexOf("## Tests"));
  return [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
}
