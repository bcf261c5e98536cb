import { UsageError } from "./exit-codes.ts";
import { globSource } from "../batch/mod.ts";

/** A compiled `--from` / `--to` pair. */
export interface Renamer {
  /** The glob the API filters on (the `--from` pattern as given). */
  readonly filter: string;
  /** The `--to` pattern: as a glob, it matches every name a rename can give. */
  readonly to: string;
  /** The new name for `name`, or undefined when `name` does not match `--from`. */
  rename(name: string): string | undefined;
}

/**
 * Compiles `rename --from 'ci-*' --to 'old-ci-*'`: each `*` of `--to` takes what the `*` in
 * the same position of `--from` matched, as `mmv` and `rename` tools do. Matching is
 * case-insensitive, as Losant's list filter is. `--to` must have exactly as many `*` as
 * `--from`: with fewer, what a dropped `*` matched is lost, and two names can become one.
 *
 * @example
 * compileRename("ci-*", "old-ci-*").rename("ci-build-3"); // "old-ci-build-3"
 */
export function compileRename(from: string, to: string): Renamer {
  const fromStars = from.split("*").length - 1;
  const toStars = to.split("*").length - 1;
  if (fromStars === 0) throw new UsageError("--from must contain a * (e.g. 'ci-*')");
  if (to.trim() === "") throw new UsageError("--to must not be empty");
  if (toStars !== fromStars) {
    throw new UsageError(
      `--to has ${toStars} * and --from ${fromStars}: each * of --to takes what the same * of ` +
        "--from matched, so they need as many (with fewer, two names could become one)",
    );
  }
  const source = globSource(from, "(.*)");
  const pattern = new RegExp(`^${source}$`, "is");
  const toParts = to.split("*");
  return {
    filter: from,
    to,
    rename(name) {
      const match = pattern.exec(name);
      if (match === null) return undefined;
      return toParts.reduce((out, part, i) => out + (i === 0 ? "" : match[i] ?? "") + part, "");
    },
  };
}
