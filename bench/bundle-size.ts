/**
 * Bundle size: esbuild bundles (minified, ESM, platform node) an app that calls getToken,
 * one that imports every export of the core entry point, and the same getToken call with the
 * official client; sizes minified and gzipped. Two more figures say where the getToken
 * app's bytes come from: its minified bytes by origin (esbuild's metafile), and the floor,
 * an app of the dependencies alone (ky, p-retry, and the leanest valibot that can check
 * getToken's params) with no code of ours at all.
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
  /** Minified bytes in the output by where they come from (a package, or this library). */
  byOrigin: Record<string, number>;
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
    app: "floor: ky + p-retry + lean valibot, no code of ours",
    source: `import ky from "ky";
import pRetry from "p-retry";
import { object, optional, pipe, regex, safeParse, string } from "valibot";
const id = pipe(string(), regex(/^[A-Fa-f\\d]{24}$/));
const params = object({ instanceId: id, apiTokenId: id, _links: optional(string()) });
console.log(safeParse(params, {}), ky.create({}), pRetry);`,
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
        metafile: true,
        logLevel: "silent",
      });
      const code = out.outputFiles[0]!.contents;
      results.push({
        app,
        minifiedBytes: code.length,
        gzipBytes: gzipSync(code, { level: 9 }).length,
        byOrigin: bytesByOrigin(Object.values(out.metafile.outputs)[0]!.inputs),
      });
    }
  } finally {
    await stop();
  }
  return results;
}

/** Output bytes grouped by package (p-retry with its is-network-error), or "losant-tokens". */
function bytesByOrigin(inputs: Record<string, { bytesInOutput: number }>): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = path.replaceAll("\\", "/").match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
    const origin = pkg === undefined
      ? "losant-tokens"
      : pkg === "is-network-error"
      ? "p-retry"
      : pkg;
    groups[origin] = (groups[origin] ?? 0) + bytesInOutput;
  }
  return groups;
}

/** Where the getToken app's minified bytes come from, in markdown. */
export function originTable(results: readonly BundleResult[]): string {
  const app = results[0]!;
  const rows = Object.entries(app.byOrigin).filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return markdownTable(
    [`${app.app}: origin`, "minified KB", "share"],
    rows.map(([origin, bytes]) => [
      origin,
      (bytes / 1024).toFixed(1),
      `${Math.round((bytes / app.minifiedBytes) * 100)}%`,
    ]),
  );
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
  const results = await measureBundles();
  console.log(`${bundleTable(results)}\n\n${originTable(results)}`);
}
