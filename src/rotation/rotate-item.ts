import type { RotationState } from "./journal.ts";
import { planRotation } from "./plan.ts";
import { finalize, retireDue, type RotationOutcome } from "./retire.ts";
import type { RotationStep } from "./step.ts";
import { createAndDeliver, discardUnfinished } from "./successor.ts";

/** What one rotation did. */
export interface RotatedItem {
  /** How far the rotation got in this run: `rotated`, `retired` or `deleted`. */
  outcome: RotationOutcome;
  /** The live successor. */
  successorId: string;
  /** When the old token is (or was) due to be deactivated and deleted (null: never). */
  deactivateAt?: string;
  /** When the old token is (or was) due to be deleted (ISO 8601); null: it is left inactive. */
  deleteAt?: string | null;
}

/**
 * Runs one rotation from wherever its journal left it to as far as is due now:
 *
 * - nothing journaled, or `abandoned`: read the old token and plan;
 * - `create`, `deliver`, `discard`: an earlier attempt may have left a successor whose
 *   secret nobody is sure to have; it is found and deleted, then the journaled plan
 *   (never a recomputed one) is created and delivered afresh;
 * - `finalize`: the secret was delivered; finish the renames;
 * - `wait` onwards: retire what is due.
 *
 * @example
 * const done = await rotateItem(step, instanceId, apiTokenId, states.get(step.key));
 */
export async function rotateItem(
  step: RotationStep,
  instanceId: string,
  oldTokenId: string,
  state: RotationState | undefined,
): Promise<RotatedItem> {
  let current = state;
  if (current === undefined || current.phase === "abandoned" || current.plan === undefined) {
    const plan = await planRotation(step.client, instanceId, oldTokenId, step.settings, step.call);
    const successorId = await createAndDeliver(step, plan);
    current = await finalize(step, plan, successorId);
  } else if (isBeforeDelivery(current)) {
    await discardUnfinished(step, current);
    const successorId = await createAndDeliver(step, current.plan!);
    current = await finalize(step, current.plan!, successorId);
  } else if (current.phase === "finalize") {
    current = await finalize(step, current.plan!, current.successorId!);
  }
  const outcome = await retireDue(step, current);
  const done: RotatedItem = {
    outcome,
    successorId: current.liveSuccessorId ?? current.successorId!,
  };
  if (current.deactivateAt !== undefined) done.deactivateAt = current.deactivateAt;
  if (current.deleteAt !== undefined) done.deleteAt = current.deleteAt;
  return done;
}

function isBeforeDelivery(state: RotationState): boolean {
  return state.phase === "create" || state.phase === "deliver" || state.phase === "discard";
}
