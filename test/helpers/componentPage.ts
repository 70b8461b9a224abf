/**
 * What the component tests of the web app share: a Svelte component rendered by Svelte's server renderer, as the app
 * renders it (through Vite, from web/src), opened in Chromium in a page with the app's stylesheet. No stack is run.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import type { Page } from "playwright-core";
import type { Component } from "svelte";
import { createServer, type ViteDevServer } from "vite";
import { launchChromium, type Chromium } from "./chromium.ts";

const web = path.resolve(import.meta.dirname, "..", "..", "web");

export type ComponentPages = {
  /**
   * The component at `file` (from web/, e.g. "/src/lib/proposal/OutcomePanel.svelte") rendered with `props`, its HTML
   * and a page showing it inside <main> after `before` (the headings its page puts above it), titled `title`.
   */
  open<P extends Record<string, unknown>>(
    file: string,
    props: P,
    page: { title: string; before: string },
  ): Promise<{ body: string; page: Page }>;
  close(): Promise<void>;
};

/** Starts Vite (middleware mode, no port) and a headless Chromium; `close()` stops both. */
export async function startComponentPages(): Promise<ComponentPages> {
  const vite: ViteDevServer = await createServer({
    configFile: false,
    root: web,
    logLevel: "silent",
    plugins: [svelte({ compilerOptions: { css: "injected" } })],
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: "custom",
  });
  let browser: Chromium;
  try {
    browser = await launchChromium();
  } catch (error) {
    await vite.close();
    throw error;
  }
  const css = await readFile(path.join(web, "src", "app.css"), "utf8");
  return {
    async open(file, props, { title, before }) {
      const { render } = (await vite.ssrLoadModule("svelte/server")) as typeof import("svelte/server");
      const module = (await vite.ssrLoadModule(file)) as { default: Component<typeof props> };
      const { head, body } = render(module.default, { props });
      const page = await browser.context.newPage();
      await page.setContent(
        `<!doctype html><html lang="en"><head><title>${title}</title><style>${css}</style>${head}</head>` +
          `<body><main>${before}${body}</main></body></html>`,
      );
      return { body, page };
    },
    async close() {
      await browser.close();
      await vite.close();
    },
  };
}
