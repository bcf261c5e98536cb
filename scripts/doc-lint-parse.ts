/**
 * The pure half of scripts/doc-lint.ts: which names our files declare, and what of
 * `deno doc --lint`'s output is a problem of ours. Tested by test/doc-lint.test.ts.
 */

/** What `deno doc --lint` said, sorted. */
export interface DocLintVerdict {
  /** Diagnostics to fix, each as deno printed it. */
  problems: string[];
  /** Names of dependency types a `private-type-ref` pointed at (one per diagnostic). */
  setAside: string[];
  /** deno exited non-zero without a single diagnostic: it could not run the lint at all. */
  failedToRun: boolean;
}

const DECLARATION =
  /\b(?:interface|type|class|enum|function|const|let|var|namespace)\s+([A-Za-z_$][\w$]*)/g;
// `import { type Observable } from "rxjs"` names a type without declaring it.
const IMPORT_OR_REEXPORT = /^(?:import|export)\b[^;]*?\bfrom\s*["'][^"']+["'];?/gms;

/**
 * Every name a source text declares, exported or not; names it only imports or re-exports
 * from elsewhere are not its own.
 *
 * @example
 * declaredNames('import { type Observable } from "rxjs";\nexport interface Base {}');
 * // Set { "Base" }
 */
export function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.replace(IMPORT_OR_REEXPORT, "").matchAll(DECLARATION)) {
    names.add(match[1]!);
  }
  return names;
}

/**
 * Sorts deno's output: a `private-type-ref` to a name none of our files declares is a
 * dependency's type (set aside); every other diagnostic is a problem.
 *
 * @example
 * const verdict = judgeDocLint(stdout + stderr, 1, declaredNames(source));
 * if (verdict.problems.length) process.exitCode = 1;
 */
export function judgeDocLint(
  output: string,
  status: number | null,
  own: ReadonlySet<string>,
): DocLintVerdict {
  // deno warns about @types/node's `/// <reference path>` lines it cannot follow under
  // node_modules; they say nothing about our docs. Diagnostics start at `error[`.
  const blocks = output.split(/\n(?=error\[)/).filter((block) => block.startsWith("error["))
    .map((block) =>
      block.replace(/\n\s*error: Found \d+ documentation lint errors?\.[\s\S]*$/, "").trimEnd()
    );
  const setAside: string[] = [];
  const problems = blocks.filter((block) => {
    const ref = block.match(/^error\[private-type-ref\]: .* references private type '([^']+)'/);
    if (ref && !own.has(ref[1]!)) {
      setAside.push(ref[1]!);
      return false;
    }
    return true;
  });
  return { problems, setAside, failedToRun: status !== 0 && blocks.length === 0 };
}
