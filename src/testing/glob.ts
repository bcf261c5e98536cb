import { globSource } from "../utils/glob.ts";

/**
 * Compiles a Losant list filter (a glob where `*` matches any run of characters)
 * into an anchored, case-insensitive regular expression.
 *
 * Every other character is literal, because Losant treats `.`/`?`/`[` as plain text.
 *
 * @example
 * ```ts
 * globToRegExp('ci-*').test('CI-build-3'); // true
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob, ".*")}$`, "i");
}
