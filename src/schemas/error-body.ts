import * as v from "valibot";
import { typed } from "./rule.ts";

/** An error body (error.json): `{ type, message }`, both optional in practice. */
export const ErrorBodySchema = v.looseObject({
  type: v.optional(typed("string")),
  message: v.optional(typed("string")),
});
