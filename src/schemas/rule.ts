import * as v from "valibot";

/**
 * valibot's small rules and type schemas under their own names, built from one of its parts.
 * An error names the field, the rule and our message; the rule is the issue's `type`, which
 * valibot reads from the schema, so a `v.custom` given another `type` reports as that rule.
 * valibot's minValue, maxValue, minLength, maxLength, regex, integer, check, literal, string,
 * number and boolean each ship code of their own; the createClient + getToken schemas used
 * all eleven, and one `v.custom` under their names keeps every client's bundle ~0.3 KB
 * gzipped smaller. The spread keeps `~run`, which reads `this`.
 */

/**
 * A rule in a pipe that reports as the rule `type`: the name valibot's own action would give
 * it (`"min_value"`, `"max_length"`, `"regex"`, `"integer"`, `"check"`). It is a `v.custom`
 * rather than a `v.check`: every parse of ours stops a pipe at its first issue
 * (`abortPipeEarly`, validate.ts), where the two report the same issues; without it, a
 * custom also ends the pipe at its first issue, where a check would add the later rules'.
 *
 * @example
 * const retries = v.pipe(
 *   typed("number", "must be a number"),
 *   rule<number>("integer", Number.isInteger, "must be an integer"),
 *   rule("max_value", (n: number) => n <= 100, "must be at most 100"),
 * );
 */
export function rule<T>(
  type: string,
  requirement: (input: T) => boolean,
  message: string,
): v.CustomSchema<T, string> {
  return {
    ...v.custom<T>(requirement as (input: unknown) => boolean, message),
    type,
  } as unknown as v.CustomSchema<T, string>;
}

/**
 * The value `false`, failing as the `literal` rule with `message`.
 *
 * @example
 * const userAgent = v.lazy((x) => typeof x === "string" ? headerValue(1024) : falseOnly("must be false or a string"));
 */
export function falseOnly(message: string): v.CustomSchema<false, string> {
  return rule("literal", (x: unknown) => x === false, message) as v.CustomSchema<false, string>;
}

/** What each {@link typed} type name stands for. */
export interface TypeNames {
  string: string;
  number: number;
  boolean: boolean;
}

/**
 * A string, a number (not NaN) or a boolean, failing as the `string`, `number` or `boolean`
 * rule with `message` (without one, valibot's text, which the caller rebuilds from
 * `expected`). The same check as valibot's own schema of that name.
 *
 * @example
 * const allowInsecureHttp = v.optional(typed("boolean", "must be a boolean"));
 */
export function typed<K extends keyof TypeNames>(
  type: K,
  message?: string,
): v.CustomSchema<TypeNames[K], string | undefined> {
  return {
    // `x === x` is false only for NaN.
    ...v.custom<TypeNames[K]>((x) => typeof x === type && x === x, message),
    type,
    expects: type,
  } as unknown as v.CustomSchema<TypeNames[K], string | undefined>;
}
