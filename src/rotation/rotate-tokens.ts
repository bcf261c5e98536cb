import { ID_PATTERN } from "../schemas/id.ts";
import { type Client, coreOf } from "../client.ts";
import { LosantValidationError } from "../errors.ts";
import { type BatchJob, createJob } from "../batch/job.ts";
import { type BatchOptions, resolveBatchOptions } from "../batch/options.ts";
import type { ResultLine } from "../batch/result.ts";
import { type BatchInput, type BatchOperation, runBatch } from "../batch/run-batch.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import { parseParams } from "../validate.ts";
import { foldJournal, type RotationState } from "./journal.ts";
import {
  resolveRotation,
  type RotationOptions,
  type RotationSettings,
  splitRotationOptions,
} from "./options.ts";
import { preflightRotation } from "./preflight.ts";
import { retirementDue } from "./retire.ts";
import { rotateItem } from "./rotate-item.ts";

/** rotateTokens' options: the rotation's and the batch engine's (not `resume` or `onStart`: the journal is both). */
export type RotateTokensOptions = RotationOptions & Omit<BatchOptions, "resume" | "onStart">;

function rotateOperation(
  settings: RotationSettings,
  states: Map<string, RotationState>,
): BatchOperation<TokenParams & { instanceId: string; apiTokenId: string }> {
  const operation = {
    name: "rotateTokens",
    // A rotation's 404 is a failure, never "already deleted".
    validate: (raw: unknown) => parseParams(TokenParamsSchema, raw, "rotateToken"),
    async run(client: Client, params: TokenParams, call: Record<string, unknown>) {
      const key = `${params.instanceId}/${params.apiTokenId}`.toLowerCase();
      const done = await rotateItem(
        { client, settings, call, key },
        params.instanceId,
        params.apiTokenId,
        states.get(key),
      );
      return { outcome: done.outcome };
    },
    wouldChange: () => true,
  };
  return operation as unknown as BatchOperation<
    TokenParams & { instanceId: string; apiTokenId: string }
  >;
}

/**
 * Rotates many tokens across instances with the batch engine's concurrency, pacing, abort,
 * results and report (see rotateToken for what one rotation does). Before anything is
 * created, the access token's rights are checked on every instance of the items
 * (`preflight`): a missing right rejects the job with RotationPreflightError and nothing is
 * sent beyond the checks. The journal is locked for the run: a second run over the same
 * journal rejects with RotationLockedError. Items whose journal says there is nothing due
 * are skipped (`succeededEarlier`); the rest resume where the journal left them.
 *
 * Each result's `outcome` says where its rotation stands: `rotated` (successor delivered,
 * old token in its grace period), `retired` (old token inactive) or `deleted`. The results
 * never hold a secret: those go to the sink only.
 *
 * @example
 * const job = rotateTokens(client, [{ instanceId, apiTokenId }], {
 *   sink: fileSink("./secrets"), journal: fileJournal("rotation.ndjson"),
 *   expiresIn: 90 * DAY, graceMs: 7 * DAY, deleteAfterMs: 30 * DAY,
 * });
 * const report = await job;
 */
export function rotateTokens(
  client: Client,
  items: BatchInput<TokenParams>,
  options: RotateTokensOptions,
): BatchJob {
  return createJob(async (stream) => {
    const { rotation, rest } = splitRotationOptions(options);
    for (const refused of ["resume", "onStart"]) {
      if (refused in rest) throw refusedOption(refused);
    }
    const settings = resolveRotation(
      rotation as unknown as RotationOptions,
      "rotateTokens",
      coreOf(client).clock,
    );
    const batch = resolveBatchOptions(rest as BatchOptions, "rotateTokens");
    if (typeof items !== "object" || items === null) {
      throw new TypeError("rotateTokens: items must be an array, an iterable or an async iterable");
    }
    const list: unknown[] = [];
    for await (const item of items as AsyncIterable<unknown>) list.push(item);
    const writing = batch.dryRun === false;
    const release = writing ? await settings.journal.lock() : undefined;
    try {
      const states = foldJournal(await settings.journal.read());
      if (settings.preflight && batch.dryRun !== "validate") {
        await preflightRotation(client, instancesOf(list), {
          ...(batch.signal ? { signal: batch.signal } : {}),
        });
      }
      const now = settings.now();
      const resume: ResultLine[] = [];
      for (const [key, state] of states) {
        if (state.phase === "done" || (isWaiting(state) && !retirementDue(state, now))) {
          resume.push({ key, index: -1, status: "succeeded" });
        }
      }
      return await runBatch(client, list, rotateOperation(settings, states), {
        ...batch,
        resume,
      }, stream);
    } finally {
      await release?.();
    }
  });
}

function refusedOption(key: string): LosantValidationError {
  return new LosantValidationError([{
    path: key,
    rule: "unknown_key",
    message: "is not a rotateTokens option (the rotation journal is both journal and resume)",
  }], { action: "rotateTokens" });
}

function isWaiting(state: RotationState): boolean {
  return state.phase === "wait" || state.phase === "inactive";
}

function instancesOf(items: readonly unknown[]): string[] {
  const ids = new Set<string>();
  for (const item of items) {
    const id = (item as { instanceId?: unknown } | null)?.instanceId;
    if (typeof id === "string" && ID_PATTERN.test(id)) ids.add(id.toLowerCase());
  }
  return [...ids];
}
