import * as v from "valibot";

/** A Losant object id: 24 hexadecimal characters (so never `/`, `..` or anything to escape). */
export const IdSchema = v.pipe(
  v.string("must be a string"),
  v.regex(/^[A-Fa-f\d]{24}$/, "must be a 24-character hexadecimal id"),
);
