/**
 * The JSR step's judgement (scripts/jsr-unfurl-parse.ts): a `#name` import JSR would serve
 * unrewritten, or rewritten to something no JSR user can load, must fail `npm test`. The log
 * lines are deno 2's `deno publish -L debug` format.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { judgeUnfurls, parseUnfurls, subpathImportsOf } from "../scripts/jsr-unfurl-parse.ts";

const ROOT = "/repo/";
const line = (specifier: string, file: string, target: string) =>
  `DEBUG RS - deno::tools::publish::unfurl:654 - Unfurled specifier: ${specifier} from ` +
  `file:///repo/${file} -> ${target}`;
const SELECT = 'export { defaultFetch } from "#default-fetch";\n';
const PUBLISHED = new Set([
  "mod.ts",
  "src/fetch/default/select.ts",
  "src/fetch/default/runtime.ts",
]);
const imports = subpathImportsOf("src/fetch/default/select.ts", SELECT);

test("finds every form of a subpath import, and nothing else", () => {
  const source = [
    SELECT,
    'import "#side-effect";',
    'const m = await import( "#lazy" );',
    "import { x } from './local.ts';",
    'const text = "from #not-an-import";',
  ].join("\n");
  assert.equal(subpathImportsOf("a.ts", source).map((i) => i.specifier), [
    "#default-fetch",
    "#side-effect",
    "#lazy",
  ]);
});

test("passes a #name rewritten to a published file beside it", () => {
  const output = [
    "Check mod.ts",
    line("#default-fetch", "src/fetch/default/select.ts", "./runtime.ts"),
  ]
    .join("\n");
  assert.equal(parseUnfurls(output, ROOT), [{
    file: "src/fetch/default/select.ts",
    specifier: "#default-fetch",
    target: "./runtime.ts",
  }]);
  assert.equal(judgeUnfurls(imports, parseUnfurls(output, ROOT), PUBLISHED), []);
});

test("fails a #name that is not rewritten, and names the file and the fix", () => {
  const output = line("ky", "src/transport.ts", "npm:ky@^1.14.3");
  const problems = judgeUnfurls(imports, parseUnfurls(output, ROOT), PUBLISHED);
  assert.equal(problems, [
    "src/fetch/default/select.ts: #default-fetch is not rewritten on publish (map it in deno.json)",
  ]);
});

test("fails a rewrite to a bare name, and one to a file JSR does not get", () => {
  const bare = line("#default-fetch", "src/fetch/default/select.ts", "npm:something@1");
  assert.match(
    judgeUnfurls(imports, parseUnfurls(bare, ROOT), PUBLISHED)[0]!,
    /not a relative path/,
  );
  const outside = line("#default-fetch", "src/fetch/default/select.ts", "../../../scripts/x.ts");
  assert.equal(judgeUnfurls(imports, parseUnfurls(outside, ROOT), PUBLISHED), [
    "src/fetch/default/select.ts: #default-fetch is rewritten to scripts/x.ts, which is not published",
  ]);
});

test("a rewrite logged for another file does not count for this one", () => {
  const output = line("#default-fetch", "src/other.ts", "./runtime.ts");
  assert.is(judgeUnfurls(imports, parseUnfurls(output, ROOT), PUBLISHED).length, 1);
});

test.run();
