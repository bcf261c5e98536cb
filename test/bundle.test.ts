/**
 * Tree-shaking is designed in: an app that imports `getToken` alone must not pull in rxjs,
 * pino, hono, undici or the events/batch/testing code, and stays small. esbuild bundles the
 * source (`mod.ts`) the way a browser/edge app would (platform neutral, ESM), so a stray
 * `node:` import in the core fails here too.
 *
 * esbuild's JS API drives its native binary through a child process; that works on Node, Deno
 * and Bun alike, so this suite runs on all three.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, stop } from "esbuild";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Budget for an app that makes a client and calls `getToken`, minified and gzipped: 15.5 KB.
 * The goal is 10 KB, but ky, p-retry and the leanest valibot alone bundle to 7.4 KB
 * gzipped (bench/bundle-size.ts, the "floor" row), which leaves too little for our own code
 * with retry and validation on by default; bench/README.md has the breakdown. It was 14.5 KB
 * (measuring 14.0); refusing hostile input up front (strict, plain-object options with
 * "did you mean", header-safe text, the scrubber of server text) costs about 1.2 KB and
 * measures 15.1 KB. Actions that declare what they are, with the outcome classification
 * behind a narrower `alreadyDeleted` and LosantOutcomeUnknownError, redirects refused, and
 * results from middleware checked by the result schema, and the hints for what Losant really
 * sends (429 message waits, VersionNotAllowed, roles before 1.30) cost about 0.7 KB more (15.8 KB
 * measured on Node, 15.9 on Deno and Bun, whose gzip packs less). This budget holds the line
 * there, so growth fails here rather than creeping in unnoticed.
 */
const MAX_GZIP_BYTES = 16 * 1024;

const FORBIDDEN_INPUTS = [
  "node_modules/rxjs",
  "node_modules/pino",
  "node_modules/hono",
  "node_modules/@hono",
  "node_modules/undici",
  "src/events",
  "src/batch",
  "src/testing",
];

test.after(() => {
  // The esbuild service would otherwise keep Deno's event loop alive.
  stop();
});

test("a createClient + getToken bundle leaves out rxjs, pino, hono, undici, events, batch and testing", async () => {
  const result = await build({
    stdin: {
      contents: [
        `import { createClient, getToken } from "./mod.ts";`,
        `const client = createClient({ accessToken: "t" });`,
        `console.log(await getToken(client, { instanceId: "a", apiTokenId: "b" }));`,
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "app.js",
      loader: "js",
    },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });

  const inputs = Object.keys(result.metafile.inputs).map((p) => p.replaceAll("\\", "/"));
  assert.ok(inputs.includes("mod.ts"), `mod.ts is not among the inputs: ${inputs.join(", ")}`);
  const leaked = inputs.filter((input) => FORBIDDEN_INPUTS.some((bad) => input.includes(bad)));
  assert.equal(leaked, [], "modules that a getToken-only app must not contain");

  const code = result.outputFiles[0]!.contents;
  const gzipBytes = gzipSync(code).length;
  console.log(
    `  getToken bundle: ${code.length} B minified, ${gzipBytes} B gzipped ` +
      `(limit ${MAX_GZIP_BYTES} B), ${inputs.length} inputs`,
  );
  assert.ok(
    gzipBytes <= MAX_GZIP_BYTES,
    `getToken bundle is ${gzipBytes} B gzipped, over MAX_GZIP_BYTES = ${MAX_GZIP_BYTES}`,
  );
});

test.run();
