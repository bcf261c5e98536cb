/**
 * The README's "Guarantees" section and docs/hostile-defects.md name the tests that prove each
 * promise and reproduce each defect: every bullet names at least one test, and every named
 * test exists under that name in that file (test/support/named-tests.ts reads the titles
 * from the source). A renamed or deleted test fails here instead of leaving a dead reference.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkTestReferences, markdownSection, testReferences } from "./support/named-tests.ts";
import { ROOT } from "./support/spawn-cli.ts";

/** A section's bullets, each with its continuation lines folded in. */
function bullets(section: string): string[] {
  const found: string[] = [];
  for (const line of section.split("\n")) {
    if (/^\s*- /.test(line)) found.push(line.trim());
    else if (/^\s+\S/.test(line) && found.length > 0) found[found.length - 1] += ` ${line.trim()}`;
  }
  return found;
}

const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** Every bullet of `text` names a test, and every test named exists. */
function checkDocument(text: string): void {
  const items = bullets(text);
  assert.ok(items.length >= 10, `${items.length} bullets found`);
  const bare = items.filter((b) => testReferences(b).length === 0);
  assert.equal(bare, [], "bullets that name no test");
  assert.equal(checkTestReferences(text, ROOT), []);
}

test("README.md Guarantees: every bullet names a test, and every named test exists", () => {
  checkDocument(markdownSection(read("README.md"), "Guarantees"));
});

test("docs/hostile-defects.md: every bullet names a test, and every named test exists", () => {
  checkDocument(read("docs/hostile-defects.md"));
});

test("the check can fail: a missing file and a misnamed test are reported", () => {
  const problems = checkTestReferences(
    [
      '- one: `test/no-such.test.ts` › "anything".',
      '- two: `test/outcome-table.test.ts` › "outcome table: 503 with Retry-After → then 404 is 404",',
      '  "outcome table: a made-up row…", "outcome table: 409 → then 404 is gone".',
      '- three: `test/hostile-input.test.ts` › "a base URL with a ?query…".',
    ].join("\n"),
    ROOT,
  );
  assert.equal(problems, [
    "test/no-such.test.ts: no such file",
    'test/outcome-table.test.ts: no test named "outcome table: a made-up row…"',
    'test/outcome-table.test.ts: no test named "outcome table: 409 → then 404 is gone"',
  ]);
});

test.run();
