import { getToken } from "../actions/get-token.ts";
import type { CallOptions } from "../actions/run-action.ts";
import { ItemSkippedError } from "../batch/item-result.ts";
import type { Client } from "../client.ts";
import { LosantApiError } from "../errors.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { type ApiTokenPost, ApiTokenPostSchema } from "../schemas/api-token-post.ts";
import { parseParams } from "../validate.ts";
import type { RotationPlan } from "./journal.ts";
import { MARK_LENGTH, unmarkDescription } from "./mark.ts";
import { fillName } from "./naming.ts";
import type { RotationSettings } from "./options.ts";

/** A rotation that cannot be planned: nothing was created. */
export class RotationPlanError extends Error {
  /** Always `"RotationNotPlanned"`: the `type` of the item's failed result. */
  override name = "RotationNotPlanned";
}

/**
 * Reads the old token and plans its successor: same description, defaultRole, orgRoles and
 * scope, the new expiry, the names from the patterns. The plan is checked against the
 * create schema here, so a token that cannot be copied fails before anything is sent.
 * With `settings.recheck`, the token as read (or its absence) is re-checked first: a reason
 * to leave it is an ItemSkippedError, and nothing is created.
 *
 * @example
 * const plan = await planRotation(client, instanceId, apiTokenId, settings, {});
 */
export async function planRotation(
  client: Client,
  instanceId: string,
  oldTokenId: string,
  settings: RotationSettings,
  call: CallOptions,
): Promise<RotationPlan> {
  const key = `${instanceId}/${oldTokenId}`.toLowerCase();
  let old: ApiToken;
  try {
    old = await getToken(client, { instanceId, apiTokenId: oldTokenId }, call);
  } catch (error) {
    const gone = error instanceof LosantApiError && error.statusCode === 404;
    const reason = gone ? settings.recheck?.(undefined, key) : undefined;
    if (reason !== undefined) throw new ItemSkippedError("StaleFinding", reason);
    throw error;
  }
  const reason = settings.recheck?.(old, key);
  if (reason !== undefined) throw new ItemSkippedError("StaleFinding", reason);
  return planFrom(instanceId, old, settings);
}

/** The plan for rotating `old` (already read). */
export function planFrom(
  instanceId: string,
  old: ApiToken,
  settings: RotationSettings,
): RotationPlan {
  if (old.status !== undefined && old.status !== "active") {
    throw new RotationPlanError(`token ${old.id} is ${old.status}: only active tokens are rotated`);
  }
  const now = settings.now();
  const retiresAt = new Date(now + settings.graceMs);
  const name = old.name ?? old.id;
  const description = unmarkDescription(old.description);
  if (description.length + MARK_LENGTH > 32767) {
    throw new RotationPlanError(
      `token ${old.id}'s description leaves no room for the rotation mark (${MARK_LENGTH} characters)`,
    );
  }
  const successor: Record<string, unknown> = {
    name: fillName(settings.names.successor, name, retiresAt),
    scope: [...(old.scope ?? [])],
  };
  if (old.description !== undefined) successor.description = description;
  if (old.defaultRole !== undefined) successor.defaultRole = old.defaultRole;
  if (old.orgRoles !== undefined) successor.orgRoles = old.orgRoles.map(copyOrgRole);
  if ("expiresIn" in settings.expiry) {
    successor.expirationDate = new Date(now + settings.expiry.expiresIn).toISOString();
  } else if ("expirationDate" in settings.expiry) {
    successor.expirationDate = settings.expiry.expirationDate;
  }
  let checked: ApiTokenPost;
  try {
    checked = parseParams(ApiTokenPostSchema, successor, "rotateToken");
  } catch (error) {
    throw new RotationPlanError(
      `token ${old.id} cannot be copied into a create: ${(error as Error).message}`,
    );
  }
  return {
    instanceId: instanceId.toLowerCase(),
    oldTokenId: old.id.toLowerCase(),
    successor: checked,
    retiringName: fillName(settings.names.retiring, name, retiresAt),
    graceMs: settings.graceMs,
    deleteAfterMs: settings.deleteAfterMs,
  };
}

// The response keeps fields Losant may add; a create takes exactly the schema's.
function copyOrgRole(role: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { orgId: role.orgId, role: role.role };
  for (const field of ["applicationRoles", "dashboardRoles"]) {
    const list = role[field];
    if (Array.isArray(list)) {
      copy[field] = list.map((r: Record<string, unknown>) => ({
        resourceId: r.resourceId,
        role: r.role,
      }));
    }
  }
  return copy;
}
