import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/** The latest modification time (ms) of any file under `dir`, or 0 when it does not exist. */
export async function newest(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  const times = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(path.join(e.parentPath, e.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}
