import * as v from "valibot";

/** An error body (error.json): `{ type, message }`, both optional in practice. */
export const ErrorBodySchema = v.looseObject({
  type: v.optional(v.string()),
  message: v.optional(v.string()),
});
