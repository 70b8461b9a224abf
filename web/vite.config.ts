/**
 * The web app: SvelteKit (Svelte 5) built with the Node adapter into web/build, served by `npm start` on port 3000.
 * SvelteKit 3 takes its configuration here, in the Vite plugin.
 */
import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [sveltekit({ adapter: adapter({ out: "build" }) })],
  // The server's dry run forks the chain with Hardhat's EDR (sdk/fork.ts), a native module: imported at run time from
  // node_modules, never bundled. Without hardhat installed, the dry run says so and the rest of the app works.
  ssr: { external: ["hardhat"] },
  worker: { format: "es" },
  server: { fs: { allow: [".."] } },
});
