import type { RotationPoint } from "../../batch/mod.ts";
import type { Io } from "../io.ts";

/**
 * A test seam for the kill -9 scenarios: `LOSANT_TOKENS_FAILPOINT=rotate:<point>` makes the
 * first rotation that reaches `<point>` (a journal phase, or `delivered`) say so on stderr
 * and wait there forever, so a test can kill the process at exactly that moment. Unset, it
 * costs nothing.
 *
 * @example
 * const hold = failpoint(io); // undefined unless the variable is set
 */
export function failpoint(
  io: Io,
): ((point: RotationPoint, key: string) => Promise<void> | void) | undefined {
  const spec = io.env.LOSANT_TOKENS_FAILPOINT;
  if (spec === undefined || !spec.startsWith("rotate:")) return undefined;
  const wanted = spec.slice("rotate:".length);
  let held = false;
  return (point, key) => {
    if (held || point !== wanted) return;
    held = true;
    io.err(`failpoint ${point} reached (${key})\n`);
    return new Promise<void>(() => {});
  };
}
