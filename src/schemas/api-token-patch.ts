import * as v from "valibot";
import { inputObject } from "./input.ts";
import { rule } from "./rule.ts";
import { type OrgRole, OrgRoleSchema, type Role, RoleSchema } from "./roles.ts";
import type { Same, Tie } from "./tie.ts";

/**
 * The body of a patch, transcribed from apiTokenPatch.json. Strict, as its
 * `additionalProperties: false` says: a misspelt field fails here rather than being
 * silently ignored by the API while a bulk job reports success.
 */
const apiTokenPatchSchema = inputObject(
  {
    name: v.optional(
      v.pipe(
        v.string("must be a string"),
        rule("min_length", (s: string) => s.length >= 1, "must not be empty"),
        rule("max_length", (s: string) => s.length <= 255, "must be at most 255 characters"),
      ),
    ),
    description: v.optional(
      v.pipe(
        v.string("must be a string"),
        rule("max_length", (s: string) => s.length <= 32767, "must be at most 32767 characters"),
      ),
    ),
    defaultRole: v.optional(RoleSchema),
    orgRoles: v.optional(
      v.pipe(
        v.array(OrgRoleSchema, "must be an array"),
        rule(
          "max_length",
          (a: OrgRole[]) => a.length <= 25,
          "must have at most 25 entries",
        ),
      ),
    ),
    status: v.optional(v.picklist(["active", "inactive"], "must be active or inactive")),
  },
  "must be an object with only name, description, defaultRole, orgRoles, status",
);

/** The fields a patch may change (apiTokenPatch.json); every one is optional. */
export interface ApiTokenPatch {
  /** 1 to 255 characters. */
  name?: string;
  /** At most 32 767 characters. */
  description?: string;
  /** Its role in the organizations `orgRoles` does not list; needs API 1.30.0 or later. */
  defaultRole?: Role;
  /** At most 25 entries. */
  orgRoles?: OrgRole[];
  /** `inactive` turns the token off without deleting it; `active` turns it back on. */
  status?: "active" | "inactive";
}

/** The body of a patch, checked: strict, so a misspelt field is an error. */
export const ApiTokenPatchSchema: v.GenericSchema<ApiTokenPatch> = apiTokenPatchSchema;

/** Fails to compile when ApiTokenPatchSchema and ApiTokenPatch disagree. */
export type ApiTokenPatchTie = Tie<Same<v.InferInput<typeof apiTokenPatchSchema>, ApiTokenPatch>>;
