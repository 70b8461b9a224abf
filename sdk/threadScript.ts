/**
 * Where a worker thread's script is: its TypeScript source in a checkout (Node strips the types), or its own build
 * beside the CLI's in an installed package, where the code calling this is bundled into dist/trimtab.js
 * (scripts/package/buildCli.ts builds each worker as `dist/<built>.js`).
 */
export function threadScript(callerUrl: string, source: string, built: string): URL {
  return callerUrl.endsWith(".ts") ? new URL(source, callerUrl) : new URL(`./${built}.js`, callerUrl);
}
