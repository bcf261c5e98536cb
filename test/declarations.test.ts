/**
 * The published declarations work for a Node app that does not load DOM types: every
 * `dist/**\/*.d.ts` type-checks under `lib: ["ES2023"]`, `types: ["node"]` and
 * `skipLibCheck: false`, imported by package name as an app imports them (so the peers' and
 * dependencies' declarations are checked too).
 *
 * tsc's verdict does not depend on the runtime, so it runs once, on node20 (TEST_RUNTIME,
 * set by scripts/runtimes.ts; or when run by hand); every runtime checks that no declaration
 * names a DOM-only type. dist/ must be built (npm test builds it first).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const ONCE = RUNTIME === "node" && ["node", "node20", undefined].includes(process.env.TEST_RUNTIME);

// Types that exist only in lib.dom.d.ts, not in @types/node's globals.
const DOM_ONLY = /\b(RequestInfo|HTMLElement|Document|Window|EventListenerOrEventListenerObject)\b/;

function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarations(path);
    return entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

test("no published declaration names a DOM-only type", () => {
  const files = declarations(join(ROOT, "dist"));
  assert.ok(files.length > 10, `only ${files.length} .d.ts files in dist/: was it built?`);
  // Doc comments may name DOM types in prose; only code counts.
  const code = (file: string) =>
    readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const offending = files.filter((file) => DOM_ONLY.test(code(file)))
    .map((file) => file.slice(ROOT.length));
  assert.equal(offending, []);
});

if (ONCE) {
  test("every published .d.ts type-checks with ES2023 and Node's types, skipLibCheck off", () => {
    // In the repo, so that @types/node and the peers' types resolve; the package imported by
    // its own name, which tsc resolves through package.json exports as it would in an app.
    const dir = mkdtempSync(join(ROOT, ".scratch-dts-"));
    try {
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: "ES2022",
            lib: ["ES2023"],
            types: ["node"],
            skipLibCheck: false,
            module: "NodeNext",
            moduleResolution: "NodeNext",
          },
          include: ["app.ts", "../dist/**/*.d.ts"],
        }),
      );
      writeFileSync(
        join(dir, "app.ts"),
        ["", "/events", "/batch", "/testing", "/node-fetch", "/http-fetch"]
          .map((sub, i) => `export * as e${i} from "losant-tokens${sub}";`)
          .join("\n"),
      );
      const tsc = spawnSync(
        process.execPath,
        [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir],
        { cwd: ROOT, encoding: "utf8", timeout: 80_000 },
      );
      assert.is(tsc.status, 0, `tsc found errors:\n${tsc.stdout}${tsc.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
