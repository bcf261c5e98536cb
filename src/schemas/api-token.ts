import * as v from "valibot";
import { IdSchema } from "./id.ts";

const optionalString = v.optional(v.string());
const optionalId = v.optional(IdSchema);

/**
 * A token as the API returns it (apiToken.json), checked for shape, not frozen: enum
 * fields are plain strings and unknown fields (`_type`, `_links`, whatever Losant adds
 * tomorrow) pass through, so a new value on the server never breaks every read.
 */
export const ApiTokenSchema = v.looseObject({
  id: IdSchema,
  apiTokenId: optionalId,
  ownerId: optionalId,
  ownerType: optionalString,
  creatorId: optionalId,
  creatorType: optionalString,
  creatorName: optionalString,
  name: optionalString,
  description: optionalString,
  creationDate: optionalString,
  lastUpdated: optionalString,
  expirationDate: optionalString,
  defaultRole: optionalString,
  orgRoles: v.optional(v.array(v.looseObject({}))),
  scope: v.optional(v.array(v.string())),
  status: optionalString,
  /** The secret JWT: the API sends it only when a token is created. */
  token: optionalString,
});

/** An instance API token, as returned by get, patch and list. */
export type ApiToken = v.InferOutput<typeof ApiTokenSchema>;
