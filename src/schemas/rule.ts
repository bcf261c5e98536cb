import * as v from "valibot";

/**
 * A pipe check that reports as the rule `type`: the name valibot's own action would give it
 * (`"min_value"`, `"max_length"`, `"regex"`, `"integer"`), so an error still names the field,
 * the rule and our message. valibot's minValue, maxValue, minLength, maxLength, regex and
 * integer each ship their own code; one `v.check` under several names ships once, which
 * keeps every client's bundle ~0.16 KB gzipped smaller (the createClient + getToken
 * schemas use all six).
 *
 * @example
 * const retries = v.pipe(
 *   v.number("must be a number"),
 *   rule<number>("integer", Number.isInteger, "must be an integer"),
 *   rule("max_value", (n: number) => n <= 100, "must be at most 100"),
 * );
 */
export function rule<T>(
  type: string,
  requirement: (input: T) => boolean,
  message: string,
): v.CheckAction<T, string> {
  // The issue's `type` is read from the action; the spread keeps `~run`, which reads `this`.
  return { ...v.check(requirement, message), type } as unknown as v.CheckAction<T, string>;
}
