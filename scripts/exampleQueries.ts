/** The example queries for analysts (docs/queries/*.graphql), read from the repository: tested and benchmarked. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { exampleQueries, exampleQueriesDir, type ExampleQuery } from "../web/src/lib/analytics/exampleQueries.ts";

/** The folder of the example queries. */
export const exampleQueriesPath = path.resolve(import.meta.dirname, "..", exampleQueriesDir);

/** Every example, in the order of its file names (a file without its header line is an error naming it). */
export async function readExampleQueries(dir = exampleQueriesPath): Promise<ExampleQuery[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".graphql"));
  const texts = await Promise.all(names.map((name) => readFile(path.join(dir, name), "utf8")));
  return exampleQueries(Object.fromEntries(names.map((name, i) => [name, texts[i]!])));
}
