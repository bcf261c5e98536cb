/**
 * The source of a regular expression for a Losant name glob, where `*` is the only
 * wildcard and every other character is literal (Losant treats `.`, `?` and `[` as plain
 * text). Each `*` becomes `wildcard`: `.*` to match, `(.*)` to capture. The one definition
 * of the escaping, shared by the embedded server's list filter and the CLI's rename.
 *
 * @example
 * new RegExp(`^${globSource("ci-*.x", ".*")}$`, "i").test("CI-build.x"); // true
 */
export function globSource(glob: string, wildcard: string): string {
  return glob.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join(
    wildcard,
  );
}
