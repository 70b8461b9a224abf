/**
 * A proposal's description (markdown, written by whoever proposes) as HTML safe to put in the page: markdown-it with
 * raw HTML off (it shows as text), links only to http(s) and mailto (any other, `javascript:` included, stays text),
 * each opened with rel="noopener noreferrer", and no images (a remote image would tell its host who reads the page).
 * Its headings sit under the page's "Description" heading (an h2): `#` becomes an h3, down to h6. Rendered on the
 * server: markdown-it never reaches the browser.
 */
import MarkdownIt from "markdown-it";

/** The link targets a description may point at. */
const safeLink = /^(https?:\/\/|mailto:)/i;

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false }).disable("image");
// Only URLs written with their scheme become links: "README.md" is not a link to a Moldovan host.
markdown.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
markdown.validateLink = (url) => safeLink.test(url.trim());
markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]!.attrSet("rel", "noopener noreferrer");
  return self.renderToken(tokens, index, options);
};

/** The heading level under the page's h2. */
const headingTag = (tag: string) => `h${Math.min(6, Number(tag.slice(1)) + 2)}`;
for (const rule of ["heading_open", "heading_close"] as const)
  markdown.renderer.rules[rule] = (tokens, index, options, _env, self) => {
    tokens[index]!.tag = headingTag(tokens[index]!.tag);
    return self.renderToken(tokens, index, options);
  };

/** The HTML of a markdown description, with raw HTML, unsafe links and images neutralized. */
export function renderDescription(text: string): string {
  return markdown.render(text);
}
