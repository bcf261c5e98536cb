import { createToken } from "../actions/create-token.ts";
import { deleteToken } from "../actions/delete-token.ts";
import { LosantApiError, LosantResponseError } from "../errors.ts";
import { coreOf } from "../client.ts";
import { sleep } from "../clock.ts";
import { isOutcomeUnknown, isRetryable, parseRetryAfter } from "../pipeline/retry-policy.ts";
import type { RotationPlan, RotationState } from "./journal.ts";
import { markDescription, newNonce } from "./mark.ts";
import { reconcileCreate } from "./reconcile.ts";
import { begin, isNotFound, point, type RotationStep } from "./step.ts";

/** The sink rejected the secret: the successor was deleted, the old token left as it was. */
export class SinkFailedError extends Error {
  /** Always `"SinkFailed"`: the `type` of the item's failed result. */
  override name = "SinkFailed";
}

/** A create's outcome stayed unknown: nothing of it is left live, the old token untouched. */
export class CreateUnknownError extends Error {
  /** Always `"CreateOutcomeUnknown"`: the `type` of the item's failed result. */
  override name = "CreateOutcomeUnknown";
}

// Creates whose outcome was unknown (each found and removed) before the rotation gives up.
const CREATE_ATTEMPTS = 3;
// Creates refused outright (429, 503), which change nothing, before it gives up.
const REFUSED_ATTEMPTS = 6;

/** Whether a failed create may have been applied: no answer, or one we could not read. */
export function createMayHaveApplied(error: unknown): boolean {
  return isOutcomeUnknown(error) || error instanceof LosantResponseError ||
    (error instanceof Error && error.name === "LosantOutcomeUnknownError");
}

/**
 * Removes what an unfinished earlier attempt may have left: a successor whose secret nobody
 * can be sure to have. From `create`, it is found by its mark; from `deliver`, it is known;
 * from `discard`, the deletes are repeated. Each is deleted (a 404 meaning already gone).
 *
 * @example
 * await discardUnfinished(step, state); // then create afresh
 */
export async function discardUnfinished(step: RotationStep, state: RotationState): Promise<void> {
  let ids: string[] = [];
  if (state.phase === "create" && state.nonce !== undefined && state.plan !== undefined) {
    const found = await reconcileCreate(step.client, {
      instanceId: state.plan.instanceId,
      name: state.plan.successor.name,
      nonce: state.nonce,
    }, step.call);
    if (found.status === "absent") return;
    ids = found.tokens.map((t) => t.id.toLowerCase());
  } else if (state.phase === "deliver" && state.successorId !== undefined) {
    ids = [state.successorId];
  } else if (state.phase === "discard") {
    ids = state.discardIds ?? [];
  }
  if (ids.length === 0) return;
  if (state.phase !== "discard") {
    await begin(step, { phase: "discard", discardIds: ids, reason: "secret not delivered" });
  }
  await deleteAll(step, state.plan!.instanceId, ids);
}

async function deleteAll(step: RotationStep, instanceId: string, ids: string[]): Promise<void> {
  for (const apiTokenId of ids) {
    try {
      await deleteToken(step.client, { instanceId, apiTokenId }, step.call);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/**
 * Creates the successor and delivers its secret. Every create is journaled with a fresh
 * mark first and never resent blindly: after an ambiguous failure the mark finds what it
 * made, which is deleted before the next attempt. A sink that rejects gets the successor
 * deleted and the rotation abandoned. Resolves with the delivered successor's id.
 *
 * @example
 * const successorId = await createAndDeliver(step, plan);
 */
export async function createAndDeliver(step: RotationStep, plan: RotationPlan): Promise<string> {
  const { instanceId } = plan;
  let refused = 0;
  for (let ambiguous = 0; ambiguous < CREATE_ATTEMPTS;) {
    const nonce = newNonce();
    await begin(step, { phase: "create", nonce, plan });
    let created;
    try {
      created = await createToken(step.client, {
        instanceId,
        apiToken: {
          ...plan.successor,
          description: markDescription(plan.successor.description, nonce),
        },
      }, step.call);
    } catch (error) {
      // Aborted in flight: there is no time to look now; the journal says `create`.
      if (step.call.signal?.aborted) throw error;
      if (!createMayHaveApplied(error) && isRetryable(error) && ++refused < REFUSED_ATTEMPTS) {
        // Refused, not applied (a 429): the same plan again, after the wait it asked for.
        await sleep(coreOf(step.client).clock, waitFor(error, refused), step.call.signal);
        continue;
      }
      if (!createMayHaveApplied(error)) {
        if (!step.call.signal?.aborted) await abandon(step, "the create failed");
        throw error;
      }
      await discardUnfinished(step, { key: step.key, phase: "create", nonce, plan });
      ambiguous++;
      continue;
    }
    const successorId = created.id.toLowerCase();
    await begin(step, { phase: "deliver", successorId });
    const secret = created.token;
    try {
      if (typeof secret !== "string" || secret === "") {
        throw new LosantResponseError("the create answered without the token's secret");
      }
      await step.settings.sink({
        key: step.key,
        instanceId,
        oldTokenId: plan.oldTokenId,
        successorId,
        name: created.name ?? plan.successor.name,
        ...(created.expirationDate !== undefined ? { expirationDate: created.expirationDate } : {}),
        secret,
      });
    } catch (error) {
      const reason = `the secret sink failed: ${scrub(error, secret)}`;
      await begin(step, { phase: "discard", discardIds: [successorId], reason });
      await deleteAll(step, instanceId, [successorId]);
      await abandon(step, reason);
      throw new SinkFailedError(
        `${reason}; the successor was deleted, the old token left as it was`,
      );
    }
    await point(step, "delivered");
    return successorId;
  }
  const reason =
    `the create's outcome was unknown ${CREATE_ATTEMPTS} times; nothing it made is left`;
  await abandon(step, reason);
  throw new CreateUnknownError(reason);
}

// The server's Retry-After (at most a minute), else a short backoff.
function waitFor(error: unknown, attempt: number): number {
  const at = error instanceof LosantApiError
    ? parseRetryAfter(error.retryAfter, Date.now())
    : undefined;
  return at === undefined ? 250 * attempt : Math.min(60_000, Math.max(0, at - Date.now()));
}

async function abandon(step: RotationStep, reason: string): Promise<void> {
  await step.settings.journal.append({
    key: step.key,
    phase: "abandoned",
    at: new Date(step.settings.now()).toISOString(),
    reason,
  });
}

// A sink's error is the caller's text: it may quote what it was handed.
function scrub(error: unknown, secret: string | undefined): string {
  const text = error instanceof Error ? error.message : String(error);
  return secret ? text.replaceAll(secret, "[redacted]") : text;
}
