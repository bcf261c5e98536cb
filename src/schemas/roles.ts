import * as v from "valibot";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";
import { rule } from "./rule.ts";
import type { Same, Tie } from "./tie.ts";

/** Roles as apiTokenPatch.json enumerates them; used for input, where being strict is kind. */
const roleSchema = v.picklist(
  ["admin", "edit", "collaborate", "view", "none"],
  "must be one of admin, edit, collaborate, view, none",
);

/** A role in an organization, as apiTokenPatch.json enumerates them. */
export type Role = "admin" | "edit" | "collaborate" | "view" | "none";

/** A role on one application or dashboard of an organization. */
export interface ResourceRole {
  /** The application or dashboard id, 24 hex digits. */
  resourceId: string;
  /** The token's role on that resource. */
  role: "collaborate" | "view" | "none";
}

/** The token's role in one organization (or the sandbox), and per resource. */
export interface OrgRole {
  /** An organization id, or `"sandbox"`. */
  orgId: string;
  /** The token's role in that organization. */
  role: Role;
  /** Roles on single applications, overriding `role` there; at most 100. */
  applicationRoles?: ResourceRole[];
  /** Roles on single dashboards, overriding `role` there; at most 100. */
  dashboardRoles?: ResourceRole[];
}

/** A role, checked. */
export const RoleSchema: v.GenericSchema<Role> = roleSchema;

const ResourceRoleSchema: v.GenericSchema<ResourceRole> = inputObject(
  {
    resourceId: IdSchema,
    role: v.picklist(
      ["collaborate", "view", "none"],
      "must be one of collaborate, view, none",
    ),
  },
  "must be an object with only resourceId and role",
);

const ResourceRolesSchema: v.GenericSchema<ResourceRole[]> = v.pipe(
  v.array(ResourceRoleSchema, "must be an array"),
  rule("max_length", (a: ResourceRole[]) => a.length <= 100, "must have at most 100 entries"),
);

const orgRoleSchema = inputObject(
  {
    orgId: v.union(
      [IdSchema, v.literal("sandbox")],
      'must be a 24-character hexadecimal id or "sandbox"',
    ),
    role: RoleSchema,
    applicationRoles: v.optional(ResourceRolesSchema),
    dashboardRoles: v.optional(ResourceRolesSchema),
  },
  "must be an object with only orgId, role, applicationRoles, dashboardRoles",
);
/** An organization role, checked. */
export const OrgRoleSchema: v.GenericSchema<OrgRole> = orgRoleSchema;

/** Fails to compile when OrgRoleSchema and OrgRole disagree. */
export type OrgRoleTie = Tie<Same<v.InferInput<typeof orgRoleSchema>, OrgRole>>;
