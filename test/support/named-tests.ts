/**
 * Checks that a document's references to tests are real: each `test/x.test.ts` › "name", …
 * names a file that exists and, in it, a test whose title is that name ("…" at the end of a
 * name means "starts with"). Titles are read from the source: a template title such as
 * `outcome table: ${name} → …` accepts a name whose dynamic part appears in the file (the
 * table row it comes from). Used by test/named-tests.test.ts on the README's Guarantees and
 * docs/hostile-defects.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One reference: a file and the names given for it. */
export interface TestReference {
  file: string;
  names: string[];
}

/** The references in a Markdown text: `file` › "name", "name" (whitespace and line breaks folded). */
export function testReferences(markdown: string): TestReference[] {
  const text = markdown.replace(/\s+/g, " ");
  const refs: TestReference[] = [];
  const pattern = /`(test\/[\w./-]+\.test\.ts)` › ((?:"[^"]+"(?:, | and )?)+)/g;
  for (const m of text.matchAll(pattern)) {
    // Markdown escapes (`\*`, `\_`) are not part of the name.
    const names = [...m[2]!.matchAll(/"([^"]+)"/g)].map((n) => n[1]!.replace(/\\([*_])/g, "$1"));
    refs.push({ file: m[1]!, names });
  }
  return refs;
}

/** The titles of a test file's tests, as written: template titles keep their `${…}`. */
export function testTitles(source: string): string[] {
  const titles: string[] = [];
  for (const m of source.matchAll(/\btest\(\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
    titles.push(m[2]!.replace(/\\(["'`\\])/g, "$1"));
  }
  return titles;
}

/** Whether `name` (a prefix when it ended in "…") is the title `title` of a test in `source`. */
function accepts(name: string, prefix: boolean, title: string, source: string): boolean {
  const parts = title.split(/\$\{[^}]*\}/);
  if (parts.length === 1) return prefix ? title.startsWith(name) : title === name;
  if (!prefix) {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const match = new RegExp(`^${parts.map(escape).join("(.+?)")}$`).exec(name);
    return match !== null && match.slice(1).every((value) => source.includes(value));
  }
  return acceptsPrefix(name, parts, source);
}

// The name runs through literal parts and dynamic values in turn; a value must be in the file.
function acceptsPrefix(name: string, parts: string[], source: string): boolean {
  const [literal, next] = parts as [string, string | undefined];
  if (literal.startsWith(name)) return true;
  if (!name.startsWith(literal) || parts.length === 1) return false;
  const rest = name.slice(literal.length);
  const at = next ? rest.indexOf(next) : -1;
  if (at > 0) {
    return source.includes(rest.slice(0, at)) &&
      acceptsPrefix(rest.slice(at), parts.slice(1), source);
  }
  // The name ends inside the value, or inside the literal part after it.
  for (let i = 1; i <= rest.length; i++) {
    if ((next ?? "").startsWith(rest.slice(i)) && source.includes(rest.slice(0, i).trim())) {
      return true;
    }
  }
  return false;
}

/**
 * What is wrong with the references in `markdown`: files that do not exist, names no test
 * has. Empty when every reference holds.
 *
 * @example
 * const problems = checkTestReferences(readFileSync("README.md", "utf8"), ROOT);
 */
export function checkTestReferences(markdown: string, root: string): string[] {
  const problems: string[] = [];
  for (const { file, names } of testReferences(markdown)) {
    const path = join(root, file);
    if (!existsSync(path)) {
      problems.push(`${file}: no such file`);
      continue;
    }
    const source = readFileSync(path, "utf8");
    const titles = testTitles(source);
    for (const given of names) {
      const prefix = given.endsWith("…");
      const name = prefix ? given.slice(0, -1) : given;
      if (!titles.some((t) => accepts(name, prefix, t, source))) {
        problems.push(`${file}: no test named "${given}"`);
      }
    }
  }
  return problems;
}

/** The lines of a Markdown section (its `##` heading up to the next `##`). */
export function markdownSection(markdown: string, heading: string): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}
