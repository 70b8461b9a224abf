/**
 * The example queries of the README's section for analysts: each ```graphql block between "### For analysts" and
 * "## Tests", titled by the sentence just above it.
 */

/** One example query for the console: what it shows, and the query itself. */
export type ReadmeExample = { title: string; query: string };

const sectionStart = /^### For analysts\b.*$/m;
const sectionEnd = /^## Tests\b.*$/m;
const fence = /^\s*(```+|~~~+)\s*([\w-]*)/;

/** The README's lines from "### For analysts" up to "## Tests" (or the end); none when the section is missing. */
export function analystSectionLines(readme: string): string[] {
  const text = readme.replace(/\r\n?/g, "\n");
  const start = sectionStart.exec(text);
  if (!start) return [];
  const rest = text.slice(start.index + start[0].length);
  const end = sectionEnd.exec(rest);
  return (end ? rest.slice(0, end.index) : rest).split("\n");
}

/**
 * The title of the code block opening at `lines[fenceIndex]`: the last sentence of the paragraph just above it,
 * without its closing colon (a heading just above serves too); undefined when a code block or nothing is above.
 */
export function titleAbove(lines: string[], fenceIndex: number): string | undefined {
  let i = fenceIndex - 1;
  while (i >= 0 && lines[i]!.trim() === "") i--;
  const paragraph: string[] = [];
  for (; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line === "" || fence.test(line)) break;
    const heading = /^#+\s+(.*)$/.exec(line);
    if (heading) {
      if (paragraph.length === 0) paragraph.push(heading[1]!);
      break;
    }
    paragraph.unshift(line);
  }
  if (paragraph.length === 0) return undefined;
  const sentences = paragraph.join(" ").split(/(?<=[.!?])\s+(?=\S)/);
  const title = sentences[sentences.length - 1]!.replace(/[:.]\s*$/, "").trim();
  return title || undefined;
}

/** Whether `line` closes a code block opened with `marker`: only that character, at least as many times. */
function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && [...trimmed].every((c) => c === marker[0]);
}

/**
 * Every ```graphql block of the README's section for analysts, in order, each with the sentence just above it as its
 * title ("Example n" when there is none). Blocks in other languages are skipped; an unclosed block runs to the end.
 */
export function readmeExamples(readme: string): ReadmeExample[] {
  const lines = analystSectionLines(readme);
  const examples: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i]!);
    if (!open) continue;
    const marker = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !closesFence(lines[j]!, marker)) body.push(lines[j++]!);
    if (open[2]!.toLowerCase() === "graphql") {
      examples.push({
        title: titleAbove(lines, i) ?? `Example ${examples.length + 1}`,
        query: body.join("\n").trim(),
      });
    }
    i = j;
  }
  return examples;
}
