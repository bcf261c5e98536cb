import { InvalidArgumentError } from "commander";

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * commander's parser for a duration: `0`, or a whole number with a unit, `90d`, `12h`,
 * `30m`, `2w`, `45s`. Milliseconds out.
 *
 * @example
 * cmd.option("--grace <duration>", "e.g. 7d", duration);
 */
export function duration(value: string): number {
  if (value.trim() === "0") return 0;
  const match = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (!match) {
    throw new InvalidArgumentError("must be 0 or a number with a unit: 90d, 12h, 30m, 2w");
  }
  return Number(match[1]) * UNITS[match[2]];
}
