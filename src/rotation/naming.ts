/** How the pair is named; `{name}` is the old token's name, `{date}` the retirement day. */
export interface RotationNames {
  /** The successor's name (default `"{name}"`: it takes the old name). */
  successor?: string;
  /** The old token's name while it retires (default `"{name} (retiring {date})"`). */
  retiring?: string;
}

/** The default successor name pattern: the successor takes the old token's name. */
export const DEFAULT_SUCCESSOR_NAME = "{name}";
/** The default name pattern of the old token while it retires. */
export const DEFAULT_RETIRING_NAME = "{name} (retiring {date})";
const MAX_NAME = 255;

/**
 * Fills a name pattern. The old name is shortened (never the pattern's own text) so the
 * result fits the API's 255 characters.
 *
 * @example
 * fillName("{name} (retiring {date})", "ci-reader", new Date("2026-12-08T00:00:00Z"));
 * // "ci-reader (retiring 2026-12-08)"
 */
export function fillName(pattern: string, name: string, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  const fixed = pattern.replaceAll("{date}", day);
  const uses = fixed.split("{name}").length - 1;
  const room = uses === 0 ? name.length : Math.floor((MAX_NAME - (fixed.length - 6 * uses)) / uses);
  return fixed.replaceAll("{name}", name.slice(0, Math.max(1, room)));
}

/** Checks a pattern names something the two tokens can be told apart by. */
export function checkPatterns(names: RotationNames): string | undefined {
  const successor = names.successor ?? DEFAULT_SUCCESSOR_NAME;
  const retiring = names.retiring ?? DEFAULT_RETIRING_NAME;
  if (successor === retiring) return "names.successor and names.retiring must differ";
  if (successor.trim() === "" || retiring.trim() === "") return "name patterns must not be empty";
  return undefined;
}
