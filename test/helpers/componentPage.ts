/**
 * Web components rendered as the app renders them, for browser tests of one panel at a time: Svelte's server renderer
 * (through Vite, so that `.svelte` files and `#lib/…` imports load as in the app) and a page in Chromium with the app's
 * stylesheet, the rendered HTML under the headings the app puts above it; or, for a component a test clicks and types
 * into, mounted in the page by a script Vite bundles for the browser (`mount`).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import type { Page } from "playwright-core";
import type { Component } from "svelte";
import { build, createServer, type Rolldown } from "vite";
import { launchChromium } from "./chromium.ts";

const web = path.resolve(import.meta.dirname, "..", "..", "web");

/** A component of web/src (`/src/lib/proposal/X.svelte`) and the props to render it with. */
export type RenderedPart = { component: string; props: Record<string, unknown> };

export type ComponentPages = {
  /** A page with the app's stylesheet and `parts` rendered inside `around` (`<h1>…</h1>%s`), titled `title`. */
  open(title: string, parts: readonly RenderedPart[], around?: string): Promise<{ body: string; page: Page }>;
  /**
   * A page with the app's stylesheet whose `<main>` holds `around` (`<h1>…</h1>%s`), `%s` being an element the module
   * `entry` mounts into: `entry` is a browser module's source (it may import `svelte`, `/src/lib/…` and `#lib/…`),
   * given `target` (that element) as a global, e.g. `mount(Chart, { target, props })`.
   */
  mount(title: string, entry: string, around?: string): Promise<Page>;
  close(): Promise<void>;
};

const entryId = "\0component-test-entry";

/** `entry` (a module's source) and what it imports as one browser module, `target` its mount point. */
async function bundle(entry: string): Promise<string> {
  const output = (await build({
    configFile: false,
    root: web,
    logLevel: "silent",
    plugins: [
      svelte({ compilerOptions: { css: "injected" } }),
      {
        name: "component-test-entry",
        resolveId: (id) => (id === entryId ? id : undefined),
        load: (id) => (id === entryId ? `const target = document.getElementById("mounted");\n${entry}` : undefined),
      },
    ],
    resolve: { alias: { "#lib": path.join(web, "src", "lib") } },
    build: {
      write: false,
      minify: false,
      rolldownOptions: { input: entryId, output: { format: "es", codeSplitting: false } },
    },
  })) as Rolldown.RolldownOutput[] | Rolldown.RolldownOutput;
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
  const code = chunks.find((c): c is Rolldown.OutputChunk => c.type === "chunk" && c.isEntry);
  if (!code) throw new Error("the component test's entry was not bundled");
  return code.code;
}

/** Starts Vite (middleware mode, no HMR) on web/ and a headless Chromium. */
export async function startComponentPages(): Promise<ComponentPages> {
  const vite = await createServer({
    configFile: false,
    root: web,
    logLevel: "silent",
    plugins: [svelte({ compilerOptions: { css: "injected" } })],
    resolve: { alias: { "#lib": path.join(web, "src", "lib") } },
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: "custom",
  });
  const browser = await launchChromium();
  /** The parts' head and HTML, one after another. */
  const render = async (parts: readonly RenderedPart[]) => {
    const server = (await vite.ssrLoadModule("svelte/server")) as typeof import("svelte/server");
    const rendered = [];
    for (const { component, props } of parts) {
      const module = (await vite.ssrLoadModule(component)) as { default: Component<Record<string, unknown>> };
      rendered.push(server.render(module.default, { props }));
    }
    return { head: rendered.map((r) => r.head).join(""), body: rendered.map((r) => r.body).join("") };
  };
  return {
    async open(title, parts, around = "%s") {
      const { head, body } = await render(parts);
      const css = await readFile(path.join(web, "src", "app.css"), "utf8");
      const page = await browser.context.newPage();
      await page.setContent(
        `<!doctype html><html lang="en"><head><title>${title}</title><style>${css}</style>${head}</head>` +
          `<body><main>${around.replace("%s", () => body)}</main></body></html>`,
      );
      return { body, page };
    },
    async mount(title, entry, around = "%s") {
      const script = await bundle(entry);
      const css = await readFile(path.join(web, "src", "app.css"), "utf8");
      const page = await browser.context.newPage();
      await page.setContent(
        `<!doctype html><html lang="en"><head><title>${title}</title><style>${css}</style></head>` +
          `<body><main>${around.replace("%s", () => '<div id="mounted"></div>')}</main></body></html>`,
      );
      await page.addScriptTag({ type: "module", content: script });
      await page.locator("#mounted > *").first().waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await vite.close();
    },
  };
}
