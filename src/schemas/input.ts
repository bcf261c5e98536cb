import * as v from "valibot";
import { rule, typed } from "./rule.ts";

/**
 * Building blocks of every input schema: strict on the way in. Objects must be plain (an
 * array, a Date or a Map has no unknown keys and would pass a bare `strictObject`, to be
 * sent as an empty patch), and text that becomes a header must be a valid header value
 * (fetch throws a TypeError for anything else, which would be retried as a network error).
 */

/** An object literal or `Object.create(null)`: not an array, Date, Map or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The keys each inputObject takes, by its message: an object failure reports the message,
 * so validation can tell its plain-object check from other custom checks, and suggest the
 * key a misspelt one meant. Two objects with one message share a list (only suggestions).
 */
export const OBJECT_KEYS: Map<string, string[]> = new Map();

/**
 * A strict object that must also be plain; `message` is shown for anything that is not
 * (it should list the keys the object takes).
 *
 * @example
 * const Schema = inputObject({ name: v.string() }, "must be an object with only name");
 */
export function inputObject<const E extends v.ObjectEntries>(
  entries: E,
  message: string,
): v.SchemaWithPipe<
  readonly [
    v.CustomSchema<v.InferInput<v.StrictObjectSchema<E, undefined>>, string>,
    v.StrictObjectSchema<E, string>,
  ]
> {
  OBJECT_KEYS.set(message, [...(OBJECT_KEYS.get(message) ?? []), ...Object.keys(entries)]);
  return v.pipe(
    v.custom<v.InferInput<v.StrictObjectSchema<E, undefined>>, string>(isPlainObject, message),
    v.strictObject<E, string>(entries, message),
  );
}

/**
 * Printable Latin-1, no control characters: what a header value may hold. NUL, CR, LF and
 * other controls would let a value forge headers or be refused by fetch, and characters
 * beyond U+00FF cannot be sent in a header at all.
 */
export const HEADER_TEXT: RegExp = /^[\x20-\x7e\xa0-\xff]*$/;

/** The message for a value that is not {@link HEADER_TEXT}. */
export const HEADER_TEXT_MESSAGE =
  "must be printable Latin-1 (no control characters or line breaks, nothing beyond U+00FF)";

/**
 * A string that becomes a header value: non-empty, at most `max` characters, {@link HEADER_TEXT}.
 *
 * @example
 * const losantdomain = v.optional(headerValue(255));
 */
export function headerValue(max: number): v.SchemaWithPipe<
  readonly [
    v.CustomSchema<string, string | undefined>,
    v.CustomSchema<string, string>,
    v.CustomSchema<string, string>,
    v.CustomSchema<string, string>,
  ]
> {
  return v.pipe(
    typed("string", "must be a string"),
    rule("min_length", (s: string) => s.length >= 1, "must not be empty"),
    rule("max_length", (s: string) => s.length <= max, `must be at most ${max} characters`),
    rule("regex", (s: string) => HEADER_TEXT.test(s), HEADER_TEXT_MESSAGE),
  );
}
