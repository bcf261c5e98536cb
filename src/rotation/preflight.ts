import * as v from "valibot";
import { type ActionSpec, REPEATABLE } from "../actions/define-action.ts";
import { type CallOptions, runAction } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import { LosantApiError } from "../errors.ts";
import { IdSchema } from "../schemas/id.ts";

/** The rights a rotation needs on an instance. */
export type RotationRight = "list" | "create" | "patch" | "delete";

/** Some instance lacks a right a rotation needs: nothing was created. */
export class RotationPreflightError extends Error {
  /** Always `"RotationPreflightFailed"`: the `type` of the item's failed result. */
  override name = "RotationPreflightFailed";
  /** Per instance, the rights the access token lacks there. */
  readonly missing: readonly { instanceId: string; rights: readonly RotationRight[] }[];

  /** Makes the error from what each instance lacks; the message lists instance ids and rights. */
  constructor(missing: RotationPreflightError["missing"]) {
    const list = missing.map((m) => `${m.instanceId} (${m.rights.join(", ")})`).join("; ");
    super(`the access token may not rotate tokens on every instance: missing rights on ${list}`);
    this.missing = missing;
  }
}

// An id no token has: ObjectIds start with their creation time, and this one's is 1970.
const NO_TOKEN = "000000000000000000000000";
const Params = v.strictObject({ instanceId: IdSchema });
const Anything = v.unknown();

function probe(
  name: string,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: (instanceId: string) => string,
  body?: unknown,
): ActionSpec<typeof Params, typeof Anything> {
  return {
    name,
    method,
    // Probes change nothing (each is refused or finds nothing) and emit no token event.
    ...REPEATABLE,
    tokenEvent: { type: "none" },
    params: Params,
    result: Anything,
    path: (p) => path(p.instanceId),
    ...(method === "GET" ? { query: () => ({ perPage: "1" }) } : {}),
    ...(body !== undefined ? { body: () => body } : {}),
  };
}

/**
 * The cheapest call that proves each right without changing anything, and the answer that
 * proves it. Losant checks the token's scope before it looks at the target or the body, so
 * a 404 for a token no one has proves patch and delete, and a 400 for a create with no
 * name proves create; a 403 says the right is missing.
 */
const PROBES: readonly {
  right: RotationRight;
  spec: ActionSpec<typeof Params, typeof Anything>;
  proves: number;
}[] = [
  {
    right: "list",
    spec: probe("preflightList", "GET", (i) => `/instances/${i}/tokens`),
    proves: 200,
  },
  {
    right: "create",
    spec: probe("preflightCreate", "POST", (i) => `/instances/${i}/tokens`, {}),
    proves: 400,
  },
  {
    right: "patch",
    spec: probe("preflightPatch", "PATCH", (i) => `/instances/${i}/tokens/${NO_TOKEN}`, {}),
    proves: 404,
  },
  {
    right: "delete",
    spec: probe("preflightDelete", "DELETE", (i) => `/instances/${i}/tokens/${NO_TOKEN}`),
    proves: 404,
  },
];

/**
 * Checks that the client's access token may list, create, patch and delete tokens on every
 * instance, before a rotation creates anything: a token without the create right would
 * otherwise fail 200 rotations one by one, and one without delete or patch would leave 200
 * extra live tokens. Rejects with RotationPreflightError naming what is missing where; an
 * access token the API rejects (401) or another failure rejects with that error.
 *
 * @example
 * await preflightRotation(client, ["5f...", "60..."]);
 */
export async function preflightRotation(
  client: Client,
  instanceIds: Iterable<string>,
  options: CallOptions = {},
): Promise<void> {
  const missing: { instanceId: string; rights: RotationRight[] }[] = [];
  for (const instanceId of new Set([...instanceIds].map((id) => id.toLowerCase()))) {
    const rights: RotationRight[] = [];
    for (const { right, spec, proves } of PROBES) {
      if (!(await holds(client, spec, instanceId, proves, options))) rights.push(right);
    }
    if (rights.length > 0) missing.push({ instanceId, rights });
  }
  if (missing.length > 0) throw new RotationPreflightError(missing);
}

async function holds(
  client: Client,
  spec: ActionSpec<typeof Params, typeof Anything>,
  instanceId: string,
  proves: number,
  options: CallOptions,
): Promise<boolean> {
  try {
    await runAction(client, spec, { instanceId }, options);
    // Only the list probe can succeed; anything else answering 2xx is not the API we know.
    return proves === 200;
  } catch (error) {
    if (!(error instanceof LosantApiError)) throw error;
    if (error.statusCode === proves) return true;
    if (error.statusCode === 403) return false;
    throw error;
  }
}
