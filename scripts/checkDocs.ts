/**
 * The documentation's checks (README.md and docs/*.md): what a page shows must be true of the repository. Every
 * relative link reaches a file (and a heading, by GitHub's anchors); every `trimtab …` command in a shell block is a
 * command of the CLI's own table with options that command takes; every `npm run <script>` is a script of
 * package.json; every YAML block reads as a proposal file, its values in their parameters' units. Each check returns
 * its problems, one line each naming the page; none means the docs hold.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { findCommand, type Command } from "../cli/command.ts";
import { parameterCatalog, vaultAssetParameters } from "../parameters/catalog.ts";
import { parseProposal } from "../sdk/proposal/proposalFile.ts";
import { parseValue } from "../sdk/proposal/units.ts";

const markdown = new MarkdownIt();

/** A page of the docs: its path from the repository's root, and its text. */
export type Page = { file: string; text: string };

/** README.md and every docs/*.md, read from `root`. */
export function readPages(root: string): Page[] {
  const docs = readdirSync(path.join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs].map((file) => ({ file, text: readFileSync(path.join(root, file), "utf8") }));
}

/**
 * GitHub's anchor for a heading's text (as github-slugger makes it): lower case, punctuation and symbols dropped,
 * each space a dash.
 */
export function githubSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** A page's headings: level, first line (0-based) and plain text (inline code included, without its backticks). */
function headingsOf(text: string): { level: number; line: number; text: string }[] {
  const tokens = markdown.parse(text, {});
  return tokens.flatMap((token, i) =>
    token.type === "heading_open"
      ? [
          {
            level: token.markup.length,
            line: token.map?.[0] ?? 0,
            text: (tokens[i + 1]?.children ?? [])
              .filter((child) => child.type === "text" || child.type === "code_inline")
              .map((child) => child.content)
              .join(""),
          },
        ]
      : [],
  );
}

/** The anchors of a page's headings, in order, a repeated one numbered as GitHub numbers it (`-1`, `-2`). */
function headingAnchors(text: string): string[] {
  const seen = new Map<string, number>();
  return headingsOf(text).map((heading) => {
    const slug = githubSlug(heading.text);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    return count === 0 ? slug : `${slug}-${count}`;
  });
}

/** The anchors of a page's headings. */
export function anchorsOf(text: string): Set<string> {
  return new Set(headingAnchors(text));
}

/**
 * The section of a page under the heading whose anchor is `anchor`: its text up to the next heading of the same or a
 * higher level (undefined when the page has no such heading).
 */
export function sectionOf(text: string, anchor: string): string | undefined {
  const headings = headingsOf(text);
  const at = headingAnchors(text).indexOf(anchor);
  if (at < 0) return undefined;
  const { level, line } = headings[at]!;
  const next = headings.slice(at + 1).find((heading) => heading.level <= level);
  return text.split("\n").slice(line, next?.line).join("\n");
}

/** Every link target of a page (links in code are not links). */
export function linksOf(text: string): string[] {
  const links: string[] = [];
  const visit = (tokens: ReturnType<typeof markdown.parse>) => {
    for (const token of tokens) {
      if (token.type === "link_open") links.push(String(token.attrGet("href") ?? ""));
      if (token.children) visit(token.children);
    }
  };
  visit(markdown.parse(text, {}));
  return links;
}

/** The code blocks of a page: each block's language (its info's first word) and its text. */
export function codeBlocksOf(text: string): { language: string; code: string }[] {
  return markdown
    .parse(text, {})
    .filter((token) => token.type === "fence")
    .map((token) => ({ language: token.info.trim().split(/\s+/)[0]!.toLowerCase(), code: token.content }));
}

/** The inline code spans of a page (`npm run x` in a sentence). */
function inlineCodeOf(text: string): string[] {
  return markdown
    .parse(text, {})
    .flatMap((token) => token.children ?? [])
    .filter((token) => token.type === "code_inline")
    .map((token) => token.content);
}

/** Links to a missing file, or to a heading its page does not have. Web links and e-mail are not followed. */
export function brokenLinks(root: string, pages: readonly Page[]): string[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOfFile = (file: string) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(path.join(root, file), "utf8")));
    return anchorCache.get(file)!;
  };
  const problems: string[] = [];
  for (const page of pages) {
    for (const href of linksOf(page.text)) {
      if (/^[a-z][a-z+.-]*:/i.test(href)) continue;
      const [target = "", anchor] = href.split("#");
      const file =
        target === "" ? page.file : path.posix.normalize(path.posix.join(path.posix.dirname(page.file), target));
      if (file.startsWith("..") || !existsSync(path.join(root, file))) {
        problems.push(`${page.file}: the link ${href} goes to ${file}, which does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (statSync(path.join(root, file)).isDirectory() || !file.endsWith(".md")) {
        problems.push(`${page.file}: the link ${href} has an anchor, but ${file} is not a markdown page`);
      } else if (!anchorsOfFile(file).has(decodeURIComponent(anchor))) {
        problems.push(`${page.file}: the link ${href}: ${file} has no heading #${anchor}`);
      }
    }
  }
  return problems;
}

/**
 * A shell line's words, as a shell splits them: quotes group, a `#` outside quotes starts a comment. Optional parts
 * written `[--json]` keep their words without the brackets.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word = (word ?? "") + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word = word ?? "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "#" && word === undefined) break;
    else word = (word ?? "") + char;
  }
  if (word !== undefined) words.push(word);
  return words.map((w) => w.replace(/^\[+/, "").replace(/\]+$/, "")).filter((w) => w !== "");
}

/** The commands of a shell block: its lines joined where they end in `\`, each split at `&&`, `||` and `;`. */
export function shellCommands(code: string): string[][] {
  return code
    .replace(/\\\n/g, " ")
    .split("\n")
    .flatMap((line) => line.split(/&&|\|\||;/))
    .map(shellWords)
    .filter((words) => words.length > 0);
}

/** What is wrong with `trimtab <args>` against the CLI's command table, or undefined when it is a real call. */
export function trimtabProblem(commands: readonly Command[], args: readonly string[]): string | undefined {
  const { command, named } = findCommand(commands, args);
  const shown = `trimtab ${args.join(" ")}`;
  if (!command) return `${shown}: no such command`;
  const known = new Set<string>([...command.options, "help"]);
  const unknown = args
    .filter((word) => word.startsWith("--"))
    .map((word) => word.slice(2).split("=")[0]!)
    .filter((name) => !known.has(name));
  return unknown.length ? `${shown}: ${args.slice(0, named).join(" ")} takes no --${unknown.join(", --")}` : undefined;
}

/** The `trimtab` arguments a shell command runs (`trimtab …`, `npm run trimtab -- …`), or undefined. */
function trimtabArgs(words: readonly string[]): string[] | undefined {
  if (words[0] === "trimtab") return words.slice(1);
  if (words[0] === "npm" && words[1] === "run" && words[2] === "trimtab") return words.slice(words[3] === "--" ? 4 : 3);
  return undefined;
}

/** The arguments of every `trimtab` call in a page's shell blocks, in order. */
export function trimtabCallsOf(page: Page): string[][] {
  return codeBlocksOf(page.text)
    .filter((block) => ["sh", "bash", "shell", "console"].includes(block.language))
    .flatMap((block) => shellCommands(block.code))
    .map(trimtabArgs)
    .filter((args): args is string[] => args !== undefined);
}

/** Every `trimtab` call in a page's shell blocks that names no command, or an option its command does not take. */
export function badTrimtabCalls(commands: readonly Command[], pages: readonly Page[]): string[] {
  return pages.flatMap((page) =>
    trimtabCallsOf(page)
      .map((args) => trimtabProblem(commands, args))
      .filter((problem): problem is string => problem !== undefined)
      .map((problem) => `${page.file}: ${problem}`),
  );
}

/** Every `npm run <script>` a page shows (in a code block or inline) that package.json does not have. */
export function missingScripts(scripts: Readonly<Record<string, string>>, pages: readonly Page[]): string[] {
  return pages.flatMap((page) => {
    const code = [...codeBlocksOf(page.text).map((block) => block.code), ...inlineCodeOf(page.text)].join("\n");
    const named = [...code.matchAll(/npm run ([\w:.-]+)/g)].map((match) => match[1]!);
    return [...new Set(named)]
      .filter((name) => !(name in scripts))
      .map((name) => `${page.file}: npm run ${name}: package.json has no such script`);
  });
}

/** The unit context of the docs' examples: the vault's base asset. */
const base = { baseSymbol: "USDC", baseDecimals: 6 };

/** Every parameter a proposal may name, by name: the catalog's and one asset's of each kind (`weight.<SYMBOL>`…). */
function parameterKind(name: string) {
  const asset =
    /^(weight|feed|heartbeat|poolFee|oracle\.maxStalenessSec|oracle\.minAnswer|oracle\.maxAnswer)\.(\w+)$/.exec(name);
  const specs = asset
    ? vaultAssetParameters([
        { symbol: asset[2]!, feed: `0x${"0".repeat(40)}`, heartbeatSec: 3_600n, weightBps: 0n, poolFee: 3_000 },
      ])
    : parameterCatalog;
  return specs.find((spec) => spec.name === name)?.kind;
}

/**
 * Every YAML block that does not read as a proposal file (`sdk/proposal/proposalFile.ts`), or names a parameter the
 * catalog does not have, or writes a value its parameter's unit refuses.
 */
export function badProposalExamples(pages: readonly Page[]): string[] {
  return pages.flatMap((page) =>
    codeBlocksOf(page.text)
      .filter((block) => block.language === "yaml" || block.language === "yml")
      .flatMap((block) => {
        try {
          const proposal = parseProposal(page.file, block.code);
          return Object.entries(proposal.changes).flatMap(([name, value]) => {
            const kind = parameterKind(name);
            if (!kind) return [`${page.file}: changes."${name}": no such parameter`];
            try {
              parseValue(name, kind, value, base);
              return [];
            } catch (error) {
              return [`${page.file}: changes."${name}": ${(error as Error).message}`];
            }
          });
        } catch (error) {
          return [(error as Error).message];
        }
      }),
  );
}

/**
 * Pages of docs/ that do not open with what their reader wants to do: a list of links to the page's own sections
 * before its first section.
 */
export function pagesWithoutPurpose(pages: readonly Page[]): string[] {
  return pages
    .filter((page) => page.file.startsWith("docs/"))
    .filter((page) => {
      const opening = page.text.split(/^## /m)[0]!;
      return !/want to/.test(opening) || !linksOf(opening).some((href) => href.startsWith("#"));
    })
    .map((page) => `${page.file}: does not open with what its reader wants to do (a list of links to its sections)`);
}
