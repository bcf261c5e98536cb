/**
 * Bundle size: esbuild bundles (minified, ESM, platform node) an app that calls getToken,
 * one that imports every export of the core entry point, and the same getToken call with the
 * official client; sizes minified and gzipped.
 *
 * Usage: node --import tsx bench/bundle-size.ts
 */
import process from "node:process";
import { gzipSync } from "node:zlib";
import { build, stop } from "esbuild";
import { markdownTable, ROOT } from "./support.ts";

/** One bundled app. */
export interface BundleResult {
  app: string;
  minifiedBytes: number;
  gzipBytes: number;
}

const APPS: ReadonlyArray<{ app: string; source: string }> = [
  {
    app: "losant-tokens: getToken only",
    source: `import { createClient, getToken } from "./mod.ts";
const client = createClient({ accessToken: "t" });
getToken(client, { instanceId: "a", apiTokenId: "b" }).then(console.log);`,
  },
  {
    app: "losant-tokens: everything in the core entry",
    source: `import * as all from "./mod.ts";\nconsole.log(all);`,
  },
  {
    app: "losant-rest: instanceApiToken.get",
    source: `import api from "losant-rest";
const client = api.createClient({ accessToken: "t" });
client.instanceApiToken.get({ instanceId: "a", apiTokenId: "b" }).then(console.log);`,
  },
];

/** Bundles every app and measures it. */
export async function measureBundles(): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  try {
    for (const { app, source } of APPS) {
      const out = await build({
        stdin: { contents: source, resolveDir: ROOT, sourcefile: "app.js", loader: "js" },
        absWorkingDir: ROOT,
        bundle: true,
        minify: true,
        format: "esm",
        platform: "node",
        write: false,
        logLevel: "silent",
      });
      const code = out.outputFiles[0]!.contents;
      results.push({
        app,
        minifiedBytes: code.length,
        gzipBytes: gzipSync(code, { level: 9 }).length,
      });
    }
  } finally {
    await stop();
  }
  return results;
}

/** The bundle table in markdown, with the ratio to losant-rest's bundle. */
export function bundleTable(results: readonly BundleResult[]): string {
  const peer = results.find((r) => r.app.startsWith("losant-rest"))?.gzipBytes;
  const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
  return markdownTable(
    [
      "app (esbuild, minified, platform node)",
      "minified KB",
      "gzipped KB",
      "gzipped vs losant-rest",
    ],
    results.map((r) => [
      r.app,
      kb(r.minifiedBytes),
      kb(r.gzipBytes),
      peer === undefined ? "–" : `${(r.gzipBytes / peer).toFixed(2)}×`,
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(bundleTable(await measureBundles()));
}
