/**
 * The web app: SvelteKit (Svelte 5) built with the Node adapter into web/build, served by `npm start` on port 3000.
 * SvelteKit 3 takes its configuration here, in the Vite plugin.
 */
import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [sveltekit({ adapter: adapter({ out: "build" }) })],
  worker: { format: "es" },
  server: { fs: { allow: [".."] } },
});
