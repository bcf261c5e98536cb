/**
 * Freezes a JSON value and everything in it, in place. Events are shared by every listener
 * and tokens are kept as the next event's `previous`: one listener must not be able to
 * change what the others, or the next event, see.
 *
 * @example
 * const token = deepFreeze(structuredClone(result));
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
