import * as v from "valibot";
import { IdSchema } from "./id.ts";
import { typed } from "./rule.ts";
import type { Same, Tie } from "./tie.ts";

const optionalString = v.optional(typed("string"));
const optionalId = v.optional(IdSchema);

/**
 * A token as the API returns it (apiToken.json), checked for shape, not frozen: enum
 * fields are plain strings and unknown fields (`_type`, `_links`, whatever Losant adds
 * tomorrow) pass through, so a new value on the server never breaks every read.
 */
const apiTokenSchema = v.looseObject({
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
  scope: v.optional(v.array(typed("string"))),
  status: optionalString,
  /** The secret JWT: the API sends it only when a token is created. */
  token: optionalString,
});

/**
 * An instance API token, as returned by get, patch, list and create (apiToken.json). Only
 * `id` is sure to be there; fields Losant adds tomorrow pass through.
 */
export interface ApiToken {
  /** The token's id, 24 hex digits. */
  id: string;
  /** The same id again, as some responses name it. */
  apiTokenId?: string;
  /** The id of the user or application that owns the token. */
  ownerId?: string;
  /**
   * What kind of thing owns it, e.g. `application` or `user`; read leniently, real responses hold
   * other values.
   */
  ownerType?: string;
  /** The id of the user, token or flow that created it. */
  creatorId?: string;
  /** `user`, `apiToken` or `flow`. */
  creatorType?: string;
  /** The creator's display name, at most 1024 characters. */
  creatorName?: string;
  /** 1 to 255 characters; not unique. */
  name?: string;
  /** At most 32 767 characters. */
  description?: string;
  /** When it was created (ISO 8601). */
  creationDate?: string;
  /** When it was last changed (ISO 8601); every patch moves it, even one that changes nothing. */
  lastUpdated?: string;
  /** When it stops working (ISO 8601); absent: never. Fixed at creation. */
  expirationDate?: string;
  /**
   * Its role (`admin`, `edit`, `collaborate`, `view`, `none`) in the organizations `orgRoles` does
   * not list.
   */
  defaultRole?: string;
  /** Its role per organization (see {@link OrgRole}), kept loose as the server sends it. */
  orgRoles?: { [key: string]: unknown }[];
  /** The scope names it grants, e.g. `all.Instance.read`; fixed at creation. */
  scope?: string[];
  /** `active` or `inactive`; an inactive token cannot authenticate. */
  status?: string;
  /** The secret JWT: the API sends it only when a token is created. */
  token?: string;
  /** Fields Losant adds (`_type`, `_links`, ...) pass through untyped. */
  [key: string]: unknown;
}

/** A token as the API returns it, checked for shape (loose: unknown fields pass). */
export const ApiTokenSchema: v.GenericSchema<unknown, ApiToken> = apiTokenSchema;

/** Fails to compile when ApiTokenSchema and ApiToken disagree. */
export type ApiTokenTie = Tie<Same<v.InferOutput<typeof apiTokenSchema>, ApiToken>>;
