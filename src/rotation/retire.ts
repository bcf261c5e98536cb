import { deleteToken } from "../actions/delete-token.ts";
import { patchToken } from "../actions/patch-token.ts";
import type { RotationPlan, RotationState } from "./journal.ts";
import { begin, isNotFound, type RotationStep } from "./step.ts";

/**
 * Where a rotation stands after this run's work on it:
 * - `rotated`: the successor is live and delivered; the old token is still active (grace);
 * - `retired`: the old token is inactive (its delete, if any, is not due yet);
 * - `deleted`: the old token is gone.
 */
export type RotationOutcome = "rotated" | "retired" | "deleted";

/**
 * The secret is delivered: takes the mark off the successor and renames the old token to
 * show it is retiring, then journals when it is due to be deactivated and deleted.
 * Repeating it (after a crash) patches the same values again.
 *
 * @example
 * await finalize(step, plan, successorId);
 */
export async function finalize(
  step: RotationStep,
  plan: RotationPlan,
  successorId: string,
): Promise<RotationState> {
  await begin(step, { phase: "finalize", successorId });
  const { instanceId } = plan;
  await patchToken(step.client, {
    instanceId,
    apiTokenId: successorId,
    apiToken: { description: plan.successor.description ?? "" },
  }, step.call);
  let oldGone = false;
  try {
    await patchToken(step.client, {
      instanceId,
      apiTokenId: plan.oldTokenId,
      apiToken: { name: plan.retiringName },
    }, step.call);
  } catch (error) {
    // Someone deleted the old token meanwhile: its retirement is done.
    if (!isNotFound(error)) throw error;
    oldGone = true;
  }
  const deactivateAt = step.settings.now() + plan.graceMs;
  const state: RotationState = {
    key: step.key,
    phase: oldGone ? "done" : "wait",
    plan,
    successorId,
    liveSuccessorId: successorId,
    deactivateAt: new Date(deactivateAt).toISOString(),
    deleteAt: plan.deleteAfterMs === null
      ? null
      : new Date(deactivateAt + plan.deleteAfterMs).toISOString(),
  };
  await begin(step, {
    phase: state.phase,
    successorId,
    deactivateAt: state.deactivateAt,
    deleteAt: state.deleteAt,
  });
  return state;
}

/** Whether some retirement step of `state` is due at `now`. */
export function retirementDue(state: RotationState, now: number): boolean {
  const due = (at: string | null | undefined) => typeof at === "string" && Date.parse(at) <= now;
  switch (state.phase) {
    case "finalize":
    case "deactivate":
    case "delete":
      return true; // interrupted: finish it
    case "wait":
      return due(state.deactivateAt);
    case "inactive":
      return due(state.deleteAt);
    default:
      return false;
  }
}

/**
 * Does the retirement steps that are due: deactivates the old token once the grace is
 * over, deletes it once the delete period is (both at once: one delete, so a token that is
 * the caller's own access token is not disabled before it can delete itself). A 404 means
 * someone else already removed it.
 *
 * @example
 * const outcome = await retireDue(step, state); // "rotated" while the grace runs
 */
export async function retireDue(
  step: RotationStep,
  state: RotationState,
): Promise<RotationOutcome> {
  const plan = state.plan!;
  const now = step.settings.now();
  const at = (iso: string | null | undefined) => iso == null ? Infinity : Date.parse(iso);
  let phase = state.phase;
  const successorId = state.liveSuccessorId ?? state.successorId;
  const times = { successorId, deactivateAt: state.deactivateAt, deleteAt: state.deleteAt };
  if (phase === "done") return state.deleteAt === null ? "retired" : "deleted";
  if (phase === "wait") {
    if (at(state.deactivateAt) > now) return "rotated";
    phase = at(state.deleteAt) <= now ? "delete" : "deactivate";
    await begin(step, { phase, ...times });
  }
  if (phase === "deactivate") {
    try {
      await patchToken(step.client, {
        instanceId: plan.instanceId,
        apiTokenId: plan.oldTokenId,
        apiToken: { status: "inactive" },
      }, step.call);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await begin(step, { phase: "done", ...times });
      return "deleted";
    }
    if (state.deleteAt === null || state.deleteAt === undefined) {
      await begin(step, { phase: "done", ...times });
      return "retired";
    }
    await begin(step, { phase: "inactive", ...times });
    phase = "inactive";
  }
  if (phase === "inactive") {
    if (at(state.deleteAt) > now) return "retired";
    await begin(step, { phase: "delete", ...times });
    phase = "delete";
  }
  try {
    await deleteToken(step.client, {
      instanceId: plan.instanceId,
      apiTokenId: plan.oldTokenId,
    }, step.call);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await begin(step, { phase: "done", ...times });
  return "deleted";
}
