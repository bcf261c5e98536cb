/**
 * Just enough of node-semver's range grammar for `Accept-Version`: `^`, `~`, `x`/`*`
 * wildcards, partial versions, comparators (`>=1.2 <2`) and `||`. Losant's server framework
 * picks a route by this header and answers 400 VersionNotAllowed when none satisfies it.
 */

type Triple = [number, number, number];

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/;

/**
 * Parses `1.30.0` (no range) into its numbers; undefined when it is not a plain version.
 *
 * @example
 * ```ts
 * parseVersion("1.30.0"); // [1, 30, 0]
 * ```
 */
export function parseVersion(version: string): Triple | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** A partial version: how many leading parts were given as numbers, the rest wildcards. */
function parsePartial(text: string): { parts: Triple; given: number } | undefined {
  const match = PARTIAL.exec(text);
  if (!match) return undefined;
  const parts: Triple = [0, 0, 0];
  let given = 0;
  for (let i = 0; i < 3; i++) {
    const part = match[i + 1];
    if (part === undefined || /^[xX*]$/.test(part)) break;
    parts[i] = Number(part);
    given = i + 1;
  }
  return { parts, given };
}

// The exclusive upper bound of a partial version: 1.2 → 1.3.0, 1 → 2.0.0.
function bump(parts: Triple, at: number): Triple {
  if (at === 0) return [parts[0] + 1, 0, 0];
  if (at === 1) return [parts[0], parts[1] + 1, 0];
  return [parts[0], parts[1], parts[2] + 1];
}

function satisfiesComparator(version: Triple, comparator: string): boolean | undefined {
  const match = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(comparator);
  if (!match) return undefined;
  const operator = match[1] ?? "";
  const partial = parsePartial(match[2] as string);
  if (!partial) return undefined;
  const { parts, given } = partial;
  if (given === 0) return operator === "<" || operator === ">" ? false : true;
  const lower = compare(version, parts);
  switch (operator) {
    case ">=":
      return lower >= 0;
    case ">":
      return given === 3 ? lower > 0 : compare(version, bump(parts, given - 1)) >= 0;
    case "<":
      return lower < 0;
    case "<=":
      return given === 3 ? lower <= 0 : compare(version, bump(parts, given - 1)) < 0;
    case "^": {
      // The first non-zero part given is the one that may not change.
      const fixed = parts.findIndex((p, i) => p !== 0 || i === given - 1);
      return lower >= 0 && compare(version, bump(parts, Math.min(fixed, given - 1))) < 0;
    }
    case "~":
      return lower >= 0 && compare(version, bump(parts, given === 1 ? 0 : 1)) < 0;
    default:
      return lower >= 0 && compare(version, bump(parts, given - 1)) < 0;
  }
}

/**
 * Whether `version` satisfies the range; undefined when the range cannot be parsed.
 *
 * @example
 * ```ts
 * satisfies("1.30.0", "^1.30.0"); // true
 * satisfies("1.29.4", "^1.30.0"); // false
 * satisfies("1.30.0", ">=1.2 <2 || 3.x"); // true
 * ```
 */
export function satisfies(version: string, range: string): boolean | undefined {
  const parsed = parseVersion(version);
  if (!parsed) return undefined;
  let any = false;
  for (const alternative of range.split("||")) {
    // "1.2 - 1.4" (hyphen ranges) is rare in headers and left out on purpose.
    const comparators = alternative.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, "$1").split(/\s+/)
      .filter((c) => c !== "");
    if (comparators.length === 0) comparators.push("*");
    let all = true;
    for (const comparator of comparators) {
      const result = satisfiesComparator(parsed, comparator);
      if (result === undefined) return undefined;
      all &&= result;
    }
    any ||= all;
  }
  return any;
}

/**
 * Whether an API of `version` knows the fields added in `since` (e.g. defaultRole in 1.30.0).
 *
 * @example
 * ```ts
 * atLeast("1.29.0", "1.30.0"); // false
 * ```
 */
export function atLeast(version: string, since: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(since);
  return a !== undefined && b !== undefined && compare(a, b) >= 0;
}
