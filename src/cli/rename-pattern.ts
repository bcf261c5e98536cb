import { UsageError } from "./exit-codes.ts";
import { globSource } from "../utils/glob.ts";

/** A compiled `--from` / `--to` pair. */
export interface Renamer {
  /** The glob the API filters on (the `--from` pattern as given). */
  readonly filter: string;
  /** The new name for `name`, or undefined when `name` does not match `--from`. */
  rename(name: string): string | undefined;
}

/**
 * Compiles `rename --from 'ci-*' --to 'old-ci-*'`: each `*` of `--to` takes what the
 * `*` in the same position of `--from` matched, as `mmv` and `rename` tools do. Matching
 * is case-insensitive, as Losant's list filter is.
 *
 * @example
 * compileRename("ci-*", "old-ci-*").rename("ci-build-3"); // "old-ci-build-3"
 */
export function compileRename(from: string, to: string): Renamer {
  const fromStars = from.split("*").length - 1;
  const toStars = to.split("*").length - 1;
  if (fromStars === 0) throw new UsageError("--from must contain a * (e.g. 'ci-*')");
  if (toStars > fromStars) {
    throw new UsageError(
      `--to has ${toStars} * but --from only ${fromStars}: each * of --to takes one of --from`,
    );
  }
  if (to.trim() === "") throw new UsageError("--to must not be empty");
  const source = globSource(from, "(.*)");
  const pattern = new RegExp(`^${source}$`, "is");
  const toParts = to.split("*");
  return {
    filter: from,
    rename(name) {
      const match = pattern.exec(name);
      if (match === null) return undefined;
      return toParts.reduce((out, part, i) => out + (i === 0 ? "" : match[i] ?? "") + part, "");
    },
  };
}
