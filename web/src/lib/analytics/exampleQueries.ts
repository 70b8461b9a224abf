/**
 * The example queries for analysts: one `.graphql` file each in docs/queries/, whose first line is a comment
 * `# <title>: <one sentence saying what it answers>`. The console offers them, the tests run them on the devnet's
 * scenario and `npm run bench:graphql` sends them; this module reads the files' texts, wherever they came from
 * (Vite's `import.meta.glob` in the app, the file system in Node).
 */

/** One example: its file's name (without `.graphql`), its title, what it answers, and the query (comment included). */
export type ExampleQuery = { name: string; title: string; summary: string; query: string };

/** The folder of the examples, from the repository's root. */
export const exampleQueriesDir = "docs/queries";

const headerLine = /^#\s*(.+?):\s+(\S.*)$/;

/** The file name of `filePath` without its folder and its `.graphql` extension. */
export function exampleName(filePath: string): string {
  return filePath
    .split(/[\\/]/)
    .pop()!
    .replace(/\.graphql$/, "");
}

/**
 * One example from its file: throws an error naming the file when its first line is not `# <title>: <sentence>` or
 * nothing follows it.
 */
export function parseExampleQuery(filePath: string, text: string): ExampleQuery {
  const name = exampleName(filePath);
  const query = text.replace(/\r\n?/g, "\n").trim();
  const [first = "", ...rest] = query.split("\n");
  const header = headerLine.exec(first.trim());
  if (!header) {
    throw new Error(
      `${exampleQueriesDir}/${name}.graphql: its first line must be "# <title>: <what it answers>", not ${JSON.stringify(first)}`,
    );
  }
  if (rest.join("\n").trim() === "") throw new Error(`${exampleQueriesDir}/${name}.graphql has no query`);
  return { name, title: header[1]!.trim(), summary: header[2]!.trim(), query };
}

/** Every example of a `{ path: text }` map of `.graphql` files, in the order of their file names. */
export function exampleQueries(files: Record<string, string>): ExampleQuery[] {
  return Object.entries(files)
    .filter(([filePath]) => filePath.endsWith(".graphql"))
    .map(([filePath, text]) => parseExampleQuery(filePath, text))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
