/**
 * The app whose bundle size counts: a createClient + getToken program, bundled from the
 * sources the way a browser or edge app would bundle it (esbuild, platform neutral, ESM,
 * minified). test/bundle.test.ts asserts its size and contents; bench/bundle-modules.ts
 * breaks it down by module. One definition, so the two always measure the same thing.
 */
import { build, type BuildResult } from "esbuild";

/** Bundles the getToken app in memory from `root`, with esbuild's metafile. */
export function buildGetTokenApp(
  root: string,
): Promise<BuildResult<{ write: false; metafile: true }>> {
  return build({
    stdin: {
      contents: [
        `import { createClient, getToken } from "./mod.ts";`,
        `const client = createClient({ accessToken: "t" });`,
        `console.log(await getToken(client, { instanceId: "a", apiTokenId: "b" }));`,
      ].join("\n"),
      resolveDir: root,
      sourcefile: "app.js",
      loader: "js",
    },
    absWorkingDir: root,
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
}
