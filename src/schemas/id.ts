import * as v from "valibot";
import { rule, typed } from "./rule.ts";

/**
 * A Losant object id: 24 hexadecimal characters (so never `/`, `..` or anything to
 * escape). The one definition of the pattern: params, the CLI and the embedded server all
 * use it.
 */
export const ID_PATTERN: RegExp = /^[A-Fa-f\d]{24}$/;

/** A Losant object id, checked. */
export const IdSchema: v.SchemaWithPipe<
  readonly [v.CustomSchema<string, string | undefined>, v.CustomSchema<string, string>]
> = v.pipe(
  typed("string", "must be a string"),
  rule("regex", (s: string) => ID_PATTERN.test(s), "must be a 24-character hexadecimal id"),
);
