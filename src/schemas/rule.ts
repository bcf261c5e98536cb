import * as v from "valibot";

/**
 * valibot's small rules under their own names, built from fewer of its parts. An error names
 * the field, the rule and our message; the rule is the issue's `type`, which valibot reads
 * from the action or schema, so a `v.check` or `v.custom` given another `type` reports as
 * that rule. valibot's minValue, maxValue, minLength, maxLength, regex, integer and literal
 * each ship code of their own; the createClient + getToken schemas used all seven, and one
 * `v.check` and one `v.custom` under their names keep every client's bundle ~0.2 KB gzipped
 * smaller. The spread keeps `~run`, which reads `this`.
 */

/**
 * A pipe check that reports as the rule `type`: the name valibot's own action would give it
 * (`"min_value"`, `"max_length"`, `"regex"`, `"integer"`).
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
  return { ...v.check(requirement, message), type } as unknown as v.CheckAction<T, string>;
}

/**
 * The value `false`, failing as the `literal` rule with `message`.
 *
 * @example
 * const userAgent = v.lazy((x) => typeof x === "string" ? headerValue(1024) : falseOnly("must be false or a string"));
 */
export function falseOnly(message: string): v.CustomSchema<false, string> {
  return {
    ...v.custom<false>((x) => x === false, message),
    type: "literal",
  } as unknown as v.CustomSchema<false, string>;
}
