/**
 * The published entry files, read from deno.json `exports` (package.json `exports` maps the
 * same subpaths to their built files): the one list the static checks share.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The entry files, in deno.json's order, e.g. `["mod.ts", "src/events/mod.ts", ...]`. */
export function entries(): string[] {
  const config = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8")) as {
    exports: Record<string, string>;
  };
  return Object.values(config.exports).map((path) => path.replace(/^\.\//, ""));
}
