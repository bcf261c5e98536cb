import { LosantError } from "../errors.ts";
import { blockedResult, type InstanceBlock } from "./item-result.ts";
import type { BatchOperation, ValidItem } from "./operation.ts";
import type { BatchResult } from "./result.ts";
import type { ResumeState } from "./resume.ts";

/** What the intake needs to know about the job. */
export interface IntakeState {
  readonly dryRun: false | true | "validate";
  /** The resume history: what an earlier run did to each key. */
  readonly history: ReadonlyMap<string, ResumeState>;
  /** Instances whose items are not sent. */
  readonly blocks: ReadonlyMap<string, InstanceBlock>;
}

/**
 * Admits one raw input item: either its result at once (invalid, done in an earlier run,
 * validate-only, or its instance blocked) or a valid item to queue. A hostile item (a
 * throwing getter, a Proxy) fails alone, as a failed result; this never throws.
 *
 * @example
 * const admitted = admit(raw, index, operation, state);
 * if ("result" in admitted) emit(admitted.result); else queues.push(admitted.item);
 */
export function admit<P extends { instanceId: string; apiTokenId: string }>(
  raw: unknown,
  index: number,
  operation: BatchOperation<P>,
  state: IntakeState,
): { result: BatchResult } | { item: ValidItem<P> } {
  let params: P;
  let instanceId: string;
  let apiTokenId: string;
  try {
    params = operation.validate(raw);
    instanceId = params.instanceId.toLowerCase();
    apiTokenId = params.apiTokenId.toLowerCase();
  } catch (error) {
    return {
      result: {
        key: keyOf(raw),
        index,
        status: "failed",
        type: error instanceof LosantError ? error.name : "ValidationError",
        message: error instanceof Error ? error.message : "the item could not be read",
      },
    };
  }
  const key = `${instanceId}/${apiTokenId}`;
  const past = state.history.get(key);
  if (past === "succeeded") {
    const message = "succeeded in an earlier run";
    return { result: { key, index, status: "skipped", outcome: "succeededEarlier", message } };
  }
  const item: ValidItem<P> = {
    index,
    key,
    instanceId,
    apiTokenId,
    params,
    resumeUnknown: past === "unknown",
  };
  if (state.dryRun === "validate") return { result: { key, index, status: "skipped" } };
  const blocked = state.blocks.get(instanceId);
  if (blocked !== undefined) return { result: blockedResult(item, blocked) };
  return { item };
}

/** The key of a raw item, safe to print even when the item is garbage or hostile. */
export function keyOf(raw: unknown): string {
  const part = (value: unknown): string =>
    typeof value === "string" && /^[\w.-]{1,64}$/.test(value) ? value.toLowerCase() : "?";
  try {
    const item = typeof raw === "object" && raw !== null ? raw as Record<string, unknown> : {};
    return `${part(item.instanceId)}/${part(item.apiTokenId)}`;
  } catch {
    return "?/?";
  }
}
