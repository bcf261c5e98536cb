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
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, posix } from "node:path";
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

// Every subpath package.json publishes, so an entry added later is checked without an edit.
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, { types: string }>;
};
const SUBPATHS = Object.keys(PACKAGE.exports);

test("every published entry has its declarations in dist/", () => {
  for (const sub of [".", "./events", "./batch", "./audit", "./testing", "./node-fetch"]) {
    assert.ok(SUBPATHS.includes(sub), `package.json exports has no ${sub}`);
  }
  const missing = SUBPATHS.filter((sub) => !existsSync(join(ROOT, PACKAGE.exports[sub]!.types)));
  assert.equal(missing, [], "exports whose types file is not in dist/");
});

/** Runs a command without blocking the event loop; resolves with its exit code and output. */
function run(command: string, args: string[], timeoutMs: number) {
  return new Promise<{ code: number | null; output: string; timedOut: boolean }>((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let timedOut = false;
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

if (ONCE) {
  test("every published .d.ts type-checks with ES2023 and Node's types, skipLibCheck off", async () => {
    // In the repo, so that @types/node and the peers' types resolve; the package imported by
    // its own name, which tsc resolves through package.json exports as it would in an app.
    // One tsc run over every entry and every dist/ declaration. Incremental, its state kept
    // under node_modules/.cache: a run after a rebuild that changed no declaration takes a
    // second or two instead of five (tsc re-checks what changed and reports stored errors).
    const dir = mkdtempSync(join(ROOT, ".scratch-dts-"));
    const cache = join(ROOT, "node_modules", ".cache", "losant-tokens");
    mkdirSync(cache, { recursive: true });
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
            incremental: true,
            tsBuildInfoFile: join(cache, "declarations.tsbuildinfo"),
          },
          include: ["app.ts", "../dist/**/*.d.ts"],
        }),
      );
      writeFileSync(
        join(dir, "app.ts"),
        SUBPATHS.map((sub, i) => `export * as e${i} from "${posix.join(PACKAGE.name, sub)}";`)
          .join("\n"),
      );
      // Five seconds on an idle 2-core machine; the limit leaves room for a loaded one and
      // stays under the runner's 120 s per file, so a slow run fails here with its output.
      const tsc = await run(
        process.execPath,
        [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir],
        110_000,
      );
      assert.ok(!tsc.timedOut, `tsc did not finish in 110 s:\n${tsc.output}`);
      assert.is(tsc.code, 0, `tsc found errors:\n${tsc.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
