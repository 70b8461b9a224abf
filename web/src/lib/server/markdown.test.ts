import { describe, expect, it } from "vitest";
import { renderDescription } from "./markdown.ts";

describe("a proposal's description rendered from markdown", () => {
  it("renders headings, emphasis, lists and code", () => {
    const html = renderDescription("# Tighter band\n\nWhy **now**:\n\n- less drift\n- `rebalance.bandBps`\n");
    // Under the page's "Description" (an h2): the description's own headings start at h3.
    expect(html).toContain("<h3>Tighter band</h3>");
    expect(html).toContain("<strong>now</strong>");
    expect(html).toContain("<li>less drift</li>");
    expect(html).toContain("<code>rebalance.bandBps</code>");
  });

  it("shows raw HTML as text: no script, no element, no event handler", () => {
    const html = renderDescription('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)"> and <b>bold</b>');
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
  });

  it("links only to http(s) and mailto, with rel=noopener noreferrer; a javascript: link stays text", () => {
    const html = renderDescription(
      "[forum](https://forum.example/t/1) [mail](mailto:dao@example.org) [x](javascript:alert(1)) " +
        "[y](JavaScript:alert(1)) [z](data:text/html;base64,PHNjcmlwdD4=) [f](file:///etc/passwd)",
    );
    expect(html).toContain('<a href="https://forum.example/t/1" rel="noopener noreferrer">forum</a>');
    expect(html).toContain('<a href="mailto:dao@example.org" rel="noopener noreferrer">mail</a>');
    expect(html).not.toMatch(/href="(javascript|data|file):/i);
    expect(html.match(/<a /g)).toHaveLength(2);
    expect(html).toContain("[x](javascript:alert(1))");
  });

  it("links bare URLs, and shows no image (a remote image would track the reader)", () => {
    const html = renderDescription("See https://example.org/report.\n\n![chart](https://tracker.example/p.png)");
    expect(html).toContain('<a href="https://example.org/report" rel="noopener noreferrer">');
    expect(html).not.toContain("<img");
    expect(renderDescription("See README.md and dao@example.org")).not.toContain("<a ");
  });
});
