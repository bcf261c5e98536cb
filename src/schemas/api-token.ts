import * as v from "valibot";
import { IdSchema } from "./id.ts";
import type { Same, Tie } from "./tie.ts";

const optionalString = v.optional(v.string());
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
  scope: v.optional(v.array(v.string())),
  status: optionalString,
  /** The secret JWT: the API sends it only when a token is created. */
  token: optionalString,
});

/**
 * An instance API token, as returned by get, patch, list and create (apiToken.json). Only
 * `id` is sure to be there; fields Losant adds tomorrow pass through.
 */
export interface ApiToken {
  id: string;
  apiTokenId?: string;
  ownerId?: string;
  ownerType?: string;
  creatorId?: string;
  creatorType?: string;
  creatorName?: string;
  name?: string;
  description?: string;
  creationDate?: string;
  lastUpdated?: string;
  expirationDate?: string;
  defaultRole?: string;
  orgRoles?: { [key: string]: unknown }[];
  scope?: string[];
  status?: string;
  /** The secret JWT: the API sends it only when a token is created. */
  token?: string;
  [key: string]: unknown;
}

/** A token as the API returns it, checked for shape (loose: unknown fields pass). */
export const ApiTokenSchema: v.GenericSchema<unknown, ApiToken> = apiTokenSchema;

/** Fails to compile when ApiTokenSchema and ApiToken disagree. */
export type ApiTokenTie = Tie<Same<v.InferOutput<typeof apiTokenSchema>, ApiToken>>;
