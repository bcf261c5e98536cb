import type { Client } from "../client.ts";
import { getToken } from "../actions/get-token.ts";
import type { CallOptions } from "../actions/run-action.ts";
import { LosantRetryAfterError } from "../errors.ts";
import { withoutSecret } from "../scrub.ts";
import type { ItemRun } from "./gate-middleware.ts";
import { failureResult, type JobPhase } from "./item-result.ts";
import type { BatchOperation, ValidItem } from "./operation.ts";
import type { ResolvedBatchOptions } from "./options.ts";
import type { BatchResult } from "./result.ts";

/** An item's run, with the item it runs. */
export interface Running<P> extends ItemRun {
  readonly item: ValidItem<P>;
}

/** What an item's ending may do to the job. */
export interface ItemEffects {
  readonly phase: JobPhase;
  /** The server asked to come back beyond maxRetryAfter: block the instance. */
  blockInstance(error: LosantRetryAfterError): void;
}

/**
 * Runs one item through the gated client and turns its ending into its one result: the
 * call's (or, in a dry run, the GET's) success, or `failureResult` of its error.
 *
 * @example
 * const result = await runOne(gated, run, operation, options, effects);
 */
export async function runOne<P extends { instanceId: string; apiTokenId: string }>(
  gated: Client,
  run: Running<P>,
  operation: BatchOperation<P>,
  options: ResolvedBatchOptions,
  effects: ItemEffects,
): Promise<BatchResult> {
  const { item } = run;
  const base = { key: item.key, index: item.index };
  const call: CallOptions = { signal: run.controller.signal };
  if (options.retry !== undefined) call.retry = options.retry;
  if (options.timeout !== undefined) call.timeout = options.timeout;
  try {
    if (effects.phase.dryRun === true) {
      const { instanceId, apiTokenId } = item;
      const token = await getToken(gated, { instanceId, apiTokenId }, call);
      const wouldChange = operation.wouldChange(token, item.params);
      const result: BatchResult = { ...base, status: "skipped", wouldChange };
      if (options.includeTokens) result.token = withoutSecret(token);
      return result;
    }
    const { outcome, token } = await operation.run(gated, item.params, call);
    const result: BatchResult = { ...base, status: "succeeded", outcome };
    if (options.includeTokens && token !== undefined) result.token = withoutSecret(token);
    return result;
  } catch (error) {
    if (error instanceof LosantRetryAfterError) effects.blockInstance(error);
    return failureResult(error, { ...item, sent: run.sent, unknown: run.unknown }, effects.phase);
  }
}
