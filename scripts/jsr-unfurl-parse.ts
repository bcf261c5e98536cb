/**
 * The JSR step's judgement (scripts/check-jsr.ts): every subpath import (`#name`) in the files
 * JSR publishes must come out of `deno publish` rewritten to a relative path of a published
 * file. JSR serves no package.json, so a `#name` left as it is would fail to resolve for every
 * JSR user; deno.json's `imports` is what the rewrite ("unfurling") reads.
 */

/** One rewrite deno's publish logged: `specifier` in `file` became `target`. */
export interface Unfurl {
  file: string;
  specifier: string;
  target: string;
}

/** A `#name` import of a published file, found in its source. */
export interface SubpathImport {
  /** Relative to the package root, e.g. `src/fetch/default/select.ts`. */
  file: string;
  specifier: string;
}

// deno::tools::publish::unfurl (`-L debug`): "Unfurled specifier: X from file:///… -> Y".
const UNFURLED = /Unfurled specifier: (\S+) from file:\/\/(\S+) -> (\S+)/g;

/** The rewrites in `deno publish -L debug` output, their files relative to `root`. */
export function parseUnfurls(output: string, root: string): Unfurl[] {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return [...output.matchAll(UNFURLED)].map(([, specifier, path, target]) => ({
    file: path!.startsWith(prefix) ? path!.slice(prefix.length) : path!,
    specifier: specifier!,
    target: target!,
  }));
}

// `from "#x"`, `import "#x"`, `import("#x")`: a string literal right after from/import.
const SUBPATH_IMPORT = /\b(?:from|import)\s*\(?\s*["'](#[^"']+)["']/g;

/** The `#name` imports in one file's source. */
export function subpathImportsOf(file: string, source: string): SubpathImport[] {
  return [...source.matchAll(SUBPATH_IMPORT)].map(([, specifier]) => ({
    file,
    specifier: specifier!,
  }));
}

/**
 * What is wrong, one line each; empty when every `#name` import was rewritten to a relative
 * path that names a published file (`published` has root-relative paths).
 */
export function judgeUnfurls(
  imports: readonly SubpathImport[],
  unfurls: readonly Unfurl[],
  published: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const { file, specifier } of imports) {
    const done = unfurls.find((u) => u.file === file && u.specifier === specifier);
    if (done === undefined) {
      problems.push(`${file}: ${specifier} is not rewritten on publish (map it in deno.json)`);
      continue;
    }
    if (!/^\.\.?\//.test(done.target)) {
      problems.push(`${file}: ${specifier} is rewritten to ${done.target}, not a relative path`);
      continue;
    }
    const resolved = new URL(done.target, `file:///${file}`).pathname.slice(1);
    if (!published.has(resolved)) {
      problems.push(`${file}: ${specifier} is rewritten to ${resolved}, which is not published`);
    }
  }
  return problems;
}
