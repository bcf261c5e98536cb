import * as v from "valibot";
import { type Client, coreOf } from "../client.ts";
import { type Clock, isClock } from "../clock.ts";
import { type BatchJob, createJob } from "../batch/job.ts";
import { type BatchOptions, resolveBatchOptions } from "../batch/options.ts";
import { type BatchOperation, runBatch } from "../batch/run-batch.ts";
import type { TokenParams } from "../schemas/token-params.ts";
import { parseParams } from "../validate.ts";
import { foldJournal, type RotationJournal, type RotationState } from "./journal.ts";
import type { RotationPoint, RotationSettings } from "./options.ts";
import { finalize, retireDue, retirementDue } from "./retire.ts";

/** finishRetirements' options. */
export interface FinishRetirementsOptions extends Omit<BatchOptions, "resume" | "onStart"> {
  /** The journal the rotations were run with. */
  journal: RotationJournal;
  /** The clock due dates are read from (default: the client's). */
  clock?: Clock;
  /** Told, and awaited, at each phase. */
  onPhase?: (point: RotationPoint, key: string) => void | Promise<void>;
}

const Own = v.object({
  journal: v.custom<RotationJournal>(
    (x) => typeof x === "object" && x !== null && typeof (x as RotationJournal).lock === "function",
    "must be a journal (read, append, lock)",
  ),
  clock: v.optional(v.custom<Clock>(isClock, "must be a clock: an object with now and setTimer")),
  onPhase: v.optional(v.custom((x) => typeof x === "function", "must be a function")),
});

/**
 * Finishes the retirements that are due, from the journal alone: old tokens whose grace is
 * over are deactivated, those whose delete period is over deleted, and renames a killed run
 * left half done are completed. No process has to stay up through a grace period of days:
 * run this from cron (the journal's lock refuses a second run at the same time). It never
 * creates a token and needs no sink; a rotation killed before its secret was delivered is
 * left for `rotateTokens` with the same journal (its `pending` count says how many).
 *
 * @example
 * const report = await finishRetirements(client, { journal: fileJournal("rotation.ndjson") });
 */
export function finishRetirements(
  client: Client,
  options: FinishRetirementsOptions,
): BatchJob & { readonly pending: Promise<number> } {
  let pendingCount!: (n: number) => void;
  const pending = new Promise<number>((resolve) => (pendingCount = resolve));
  const job = createJob(async (stream) => {
    const { journal, clock, onPhase, ...rest } = options;
    parseParams(Own, { journal, clock, onPhase }, "finishRetirements");
    const batch = resolveBatchOptions(rest, "finishRetirements");
    const time = clock ?? coreOf(client).clock;
    const now = () => time.now();
    const release = batch.dryRun === false ? await journal.lock() : undefined;
    try {
      const states = foldJournal(await journal.read());
      const at = now();
      const due: RotationState[] = [];
      let unfinished = 0;
      for (const state of states.values()) {
        if (state.plan === undefined) continue;
        if (retirementDue(state, at)) due.push(state);
        else if (["create", "deliver", "discard"].includes(state.phase)) unfinished++;
      }
      pendingCount(unfinished);
      const settings = { journal, now, onPhase } as unknown as RotationSettings;
      const byKey = new Map(due.map((s) => [s.key, s]));
      const operation = {
        name: "finishRetirements",
        validate: (raw: unknown) => raw as TokenParams,
        async run(c: Client, params: TokenParams, call: Record<string, unknown>) {
          const key = `${params.instanceId}/${params.apiTokenId}`.toLowerCase();
          const step = { client: c, settings, call, key };
          let state = byKey.get(key)!;
          if (state.phase === "finalize") {
            state = await finalize(step, state.plan!, state.successorId!);
          }
          return { outcome: await retireDue(step, state) };
        },
        wouldChange: () => true,
      } as unknown as BatchOperation<TokenParams & { instanceId: string; apiTokenId: string }>;
      const items = due.map((s) => ({
        instanceId: s.plan!.instanceId,
        apiTokenId: s.plan!.oldTokenId,
      }));
      return await runBatch(client, items, operation, batch, stream);
    } finally {
      pendingCount(0);
      await release?.();
    }
  });
  return Object.assign(job, { pending });
}
