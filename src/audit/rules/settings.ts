import * as v from "valibot";

/** A whole number of days, 0 or more: a threshold a policy may set. */
export const daysSetting = v.optional(
  v.pipe(
    v.number("must be a number of days"),
    v.integer("must be a whole number of days"),
    v.minValue(0, "must be 0 or more days"),
  ),
);

/** A list of scope globs (`all.*`), each a non-empty string. */
export const scopeGlobsSetting = v.optional(
  v.array(
    v.pipe(v.string("must be a scope name or glob"), v.minLength(1, "must not be empty")),
    "must be a list of scope names or globs",
  ),
);

/** A list of exact scope names. */
export const scopeNamesSetting = v.optional(
  v.array(
    v.pipe(v.string("must be a scope name"), v.minLength(1, "must not be empty")),
    "must be a list of scope names",
  ),
);
