import * as v from "valibot";
import { OBJECT_ID_PATTERN } from "./ids.ts";
import { SCOPE_NAMES } from "../schemas/scope-names.ts";

// A set for the lookup; the list itself is the one the client validates creates with.
const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPE_NAMES);

// Transcribed from shared/losant-api/apiTokenPatch.json and apiTokenPost.json. Objects are
// strict because the schemas say `additionalProperties: false` and Losant answers 400.

const objectIdSchema = v.pipe(v.string(), v.regex(OBJECT_ID_PATTERN, "must be a 24 hex digit id"));
const roleSchema = v.picklist(["admin", "edit", "collaborate", "view", "none"]);
const resourceRoleSchema = v.strictObject({
  resourceId: objectIdSchema,
  role: v.picklist(["collaborate", "view", "none"]),
});
const orgRolesSchema = v.pipe(
  v.array(
    v.strictObject({
      orgId: v.union([objectIdSchema, v.literal("sandbox")]),
      role: roleSchema,
      applicationRoles: v.optional(v.pipe(v.array(resourceRoleSchema), v.maxLength(100))),
      dashboardRoles: v.optional(v.pipe(v.array(resourceRoleSchema), v.maxLength(100))),
    }),
  ),
  v.maxLength(25),
);
const nameSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const descriptionSchema = v.pipe(v.string(), v.maxLength(32767));
const statusSchema = v.picklist(["active", "inactive"]);
const dateTimeSchema = v.pipe(
  v.string(),
  v.check((s) => !Number.isNaN(Date.parse(s)), "must be a date-time"),
);

/** The body of PATCH /instances/:instanceId/tokens/:apiTokenId (apiTokenPatch.json). */
export const tokenPatchSchema = v.strictObject({
  name: v.optional(nameSchema),
  description: v.optional(descriptionSchema),
  defaultRole: v.optional(roleSchema),
  orgRoles: v.optional(orgRolesSchema),
  status: v.optional(statusSchema),
});

/**
 * The body of POST /instances/:instanceId/tokens (apiTokenPost.json). Only `name` is required
 * there; scope names must be ones the schema enumerates.
 */
export const tokenPostSchema = v.strictObject({
  name: nameSchema,
  description: v.optional(descriptionSchema),
  expirationDate: v.optional(dateTimeSchema),
  defaultRole: v.optional(roleSchema),
  orgRoles: v.optional(orgRolesSchema),
  scope: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.minLength(1),
          v.maxLength(1024),
          v.check((name) => KNOWN_SCOPES.has(name), "is not a known scope"),
        ),
      ),
      v.check((items) => new Set(items).size === items.length, "scope items must be unique"),
    ),
  ),
  status: v.optional(statusSchema),
});

/** Body fields that arrived in API 1.30.0; an older API's strict schema refuses them. */
export const FIELDS_SINCE_1_30: readonly string[] = ["defaultRole", "orgRoles"];

const integerString = v.pipe(v.string(), v.regex(/^\d+$/, "must be a non-negative integer"));

/** The list endpoint's query; unknown keys (`_links`, …) are ignored like Losant does. */
export const listQuerySchema = v.object({
  sortField: v.optional(
    v.picklist(["name", "status", "id", "creationDate", "lastUpdated", "expirationDate"]),
    "name",
  ),
  sortDirection: v.optional(
    v.pipe(v.string(), v.toLowerCase(), v.picklist(["asc", "desc", ""])),
    "asc",
  ),
  page: v.optional(v.pipe(integerString, v.transform(Number)), "0"),
  perPage: v.optional(
    v.pipe(integerString, v.transform(Number), v.minValue(1), v.maxValue(1000)),
    "100",
  ),
  filterField: v.optional(v.picklist(["name", "status", ""])),
  filter: v.optional(v.string()),
});

/** A parsed list query. */
export type ListQuery = v.InferOutput<typeof listQuerySchema>;

/**
 * One readable line from valibot issues, for a `{ type: 'Validation', message }` body.
 *
 * @example
 * ```ts
 * const result = v.safeParse(tokenPatchSchema, { nope: 1 });
 * if (!result.success) describeIssues('body', result.issues); // 'body.nope: Invalid key: …'
 * ```
 */
export function describeIssues(prefix: string, issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return `${path ? `${prefix}.${path}` : prefix}: ${issue.message}`;
    })
    .join("; ");
}
