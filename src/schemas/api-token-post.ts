import * as v from "valibot";
import { inputObject } from "./input.ts";
import { rule } from "./rule.ts";
import { type OrgRole, OrgRoleSchema, type Role, RoleSchema } from "./roles.ts";
import type { Same, Tie } from "./tie.ts";
import { SCOPE_NAMES } from "./scope-names.ts";

const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPE_NAMES);

/**
 * The body of a create, transcribed from apiTokenPost.json. Strict like the patch body
 * (`additionalProperties: false`), and stricter than the API in one place: `scope` is
 * required. An omitted scope is the one field whose default a caller cannot see and cannot
 * patch later; a successor that silently got a different scope is a rotation gone wrong.
 */
const apiTokenPostSchema = inputObject(
  {
    name: v.pipe(
      v.string("must be a string"),
      rule("min_length", (s: string) => s.length >= 1, "must not be empty"),
      rule("max_length", (s: string) => s.length <= 255, "must be at most 255 characters"),
    ),
    description: v.optional(
      v.pipe(
        v.string("must be a string"),
        rule("max_length", (s: string) => s.length <= 32767, "must be at most 32767 characters"),
      ),
    ),
    expirationDate: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.isoTimestamp("must be an ISO 8601 date-time with a time zone"),
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
    scope: v.pipe(
      v.array(
        v.pipe(
          v.string("must be a string"),
          v.check((s) => KNOWN_SCOPES.has(s), "must be a scope name apiTokenPost.json lists"),
        ),
        "must be an array of scope names",
      ),
      v.check((items) => new Set(items).size === items.length, "must not repeat a scope"),
    ),
    status: v.optional(v.picklist(["active", "inactive"], "must be active or inactive")),
  },
  "must be an object with only name, description, expirationDate, defaultRole, orgRoles, scope, status",
);

/** The fields of a new token (apiTokenPost.json). */
export interface ApiTokenPost {
  /** 1 to 255 characters. */
  name: string;
  /** At most 32 767 characters. */
  description?: string;
  /** ISO 8601 with a time zone; fixed at creation. */
  expirationDate?: string;
  /** Its role in the organizations `orgRoles` does not list. */
  defaultRole?: Role;
  /** Its role per organization; at most 25 entries. */
  orgRoles?: OrgRole[];
  /** Scope names apiTokenPost.json lists, each once; fixed at creation. */
  scope: string[];
  /** `active` (the API's default) or `inactive`. */
  status?: "active" | "inactive";
}

/** The body of a create, checked. */
export const ApiTokenPostSchema: v.GenericSchema<ApiTokenPost> = apiTokenPostSchema;

/** Fails to compile when ApiTokenPostSchema and ApiTokenPost disagree. */
export type ApiTokenPostTie = Tie<Same<v.InferInput<typeof apiTokenPostSchema>, ApiTokenPost>>;
