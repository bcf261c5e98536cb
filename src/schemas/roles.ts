import * as v from "valibot";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";

/** Roles as apiTokenPatch.json enumerates them; used for input, where being strict is kind. */
export const RoleSchema = v.picklist(
  ["admin", "edit", "collaborate", "view", "none"],
  "must be one of admin, edit, collaborate, view, none",
);

const ResourceRoleSchema = inputObject(
  {
    resourceId: IdSchema,
    role: v.picklist(
      ["collaborate", "view", "none"],
      "must be one of collaborate, view, none",
    ),
  },
  "must be an object with only resourceId and role",
);

const ResourceRolesSchema = v.pipe(
  v.array(ResourceRoleSchema, "must be an array"),
  v.maxLength(100, "must have at most 100 entries"),
);

export const OrgRoleSchema = inputObject(
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
