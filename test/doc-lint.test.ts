/**
 * The doc-lint step's sorting (scripts/doc-lint-parse.ts): what it sets aside must be a
 * dependency's type and nothing else, or a real gap in our docs would pass `npm test`.
 * The samples are deno 2's output format, warnings and summary line included.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { declaredNames, judgeDocLint } from "../scripts/doc-lint-parse.ts";

const WARNINGS = [
  "Warning Failed resolving types. Could not find package 'zlib.d.ts' from referrer " +
  "'file:///repo/node_modules/@types/node/index.d.ts'.",
  "    at file:///repo/node_modules/@types/node/index.d.ts:93:21",
].join("\n");

function privateRef(publicName: string, privateName: string): string {
  return [
    `error[private-type-ref]: public type '${publicName}' references private type '${privateName}'`,
    "  --> /repo/src/events/streams.ts:36:1",
    "   | ",
    `36 | export function ${publicName}(`,
    "   | ^",
    "   = hint: make the referenced type public or remove the reference",
    "",
    "  info: to ensure documentation is complete all types that are exposed in the public API must be public",
    "",
  ].join("\n");
}

const MISSING_DOC = [
  "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
  "  --> /repo/src/types.ts:64:3",
  "   | ",
  "64 |   status: number;",
  "   |   ^",
  "",
].join("\n");

function output(...blocks: string[]): string {
  return [WARNINGS, ...blocks, `error: Found ${blocks.length} documentation lint errors.`, ""]
    .join("\n");
}

test("a name a file only imports is not its own; one it declares is", () => {
  const names = declaredNames([
    'import { filter, type Observable, type OperatorFunction } from "rxjs";',
    'import type {\n  Dispatcher,\n} from "undici";',
    'export type { SchedulerLike } from "rxjs";',
    "interface WatchEventBase { readonly at: string }",
    "export type OfType<E> = E;",
    "export class LosantError extends Error {}",
    "export const IdSchema = 1;",
    "export function ofType() {}",
  ].join("\n"));
  assert.equal(
    [...names].sort(),
    ["IdSchema", "LosantError", "OfType", "WatchEventBase", "ofType"],
  );
});

test("a private-type-ref to a dependency's type is set aside, one to ours is a problem", () => {
  const own = new Set(["WatchEventBase", "tokenEvents", "BaselineEvent"]);
  const verdict = judgeDocLint(
    output(
      privateRef("tokenEvents", "Observable"),
      privateRef("BaselineEvent", "WatchEventBase"),
      privateRef("IdSchema", "GenericSchema"),
    ),
    1,
    own,
  );
  assert.equal(verdict.setAside, ["Observable", "GenericSchema"]);
  assert.is(verdict.problems.length, 1);
  assert.match(verdict.problems[0]!, /references private type 'WatchEventBase'/);
  assert.not.match(verdict.problems[0]!, /Found \d+ documentation lint errors/);
  assert.is(verdict.failedToRun, false);
});

test("a missing doc comment is always a problem, printed as deno printed it", () => {
  const verdict = judgeDocLint(output(MISSING_DOC, privateRef("f", "Observable")), 1, new Set());
  assert.equal(verdict.problems, [MISSING_DOC.trimEnd()]);
  assert.equal(verdict.setAside, ["Observable"]);
});

test("a clean run has no problems; deno failing before any diagnostic is not a clean run", () => {
  const clean = judgeDocLint(`${WARNINGS}\n`, 0, new Set());
  assert.equal(clean, { problems: [], setAside: [], failedToRun: false });
  const broken = judgeDocLint('error: Module not found "file:///repo/mod.ts".\n', 1, new Set());
  assert.equal(broken, { problems: [], setAside: [], failedToRun: true });
});

test.run();
