/**
 * Where the bundle test's bytes are: the same createClient + getToken app that
 * test/bundle.test.ts measures (esbuild, platform neutral, minified, Node's gzip), broken
 * down by module. For each module: its minified bytes (esbuild's metafile) and its gzipped
 * share, measured by cutting its bytes out of the bundle and gzipping the rest (esbuild
 * writes the modules one after another, in the metafile's order, so each one's bytes are
 * found by position). Shares overlap (gzip reuses text across modules), so they add up to
 * more than the total.
 * Use it before and after a cut; the bundle test's MAX_GZIP_BYTES is the figure that counts.
 *
 * Usage: node --import tsx bench/bundle-modules.ts
 */
import { gzipSync } from "node:zlib";
import { stop } from "esbuild";
import { buildGetTokenApp } from "../scripts/get-token-app.ts";
import { markdownTable, ROOT } from "./support.ts";

try {
  const out = await buildGetTokenApp(ROOT);
  const code = out.outputFiles[0]!.contents;
  const total = gzipSync(code).length;
  const rows: [string, number, number][] = [];
  let offset = 0;
  for (
    const [path, { bytesInOutput }] of Object.entries(
      Object.values(out.metafile.outputs)[0]!.inputs,
    )
  ) {
    if (bytesInOutput === 0) continue;
    const rest = new Uint8Array(code.length - bytesInOutput);
    rest.set(code.subarray(0, offset));
    rest.set(code.subarray(offset + bytesInOutput), offset);
    rows.push([
      path.replace(/^.*node_modules\//, ""),
      bytesInOutput,
      total - gzipSync(rest).length,
    ]);
    offset += bytesInOutput;
  }
  console.log(`getToken app: ${code.length} B minified, ${total} B gzipped (Node)\n`);
  console.log(markdownTable(
    ["module", "minified B", "gzipped share B"],
    rows.sort((a, b) => b[2] - a[2]).map(([path, raw, gz]) => [path, String(raw), String(gz)]),
  ));
} finally {
  await stop();
}
