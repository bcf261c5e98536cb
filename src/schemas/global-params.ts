import * as v from "valibot";

/** The params every action accepts (globalParams.json). */
export const globalParams = {
  losantdomain: v.optional(
    v.pipe(
      v.string("must be a string"),
      v.minLength(1, "must not be empty"),
      v.maxLength(255, "must be at most 255 characters"),
      // It becomes a header: a line break would let a caller forge other headers.
      v.regex(/^[^\r\n]*$/, "must not contain line breaks"),
    ),
  ),
  _actions: v.optional(v.boolean("must be a boolean")),
  _links: v.optional(v.boolean("must be a boolean")),
  _embedded: v.optional(v.boolean("must be a boolean")),
};

/** The message of a strict params object: which keys it takes. */
export const objectMessage = (names: string): string => `must be an object with only ${names}`;
