/**
 * losant-tokens/batch: patch or delete many tokens across instances, fast and politely,
 * with exact reports, streaming results, abort and resume.
 *
 * @example
 * import { deleteTokens, selectTokens, toNdjson } from "losant-tokens/batch";
 * const job = deleteTokens(client, selectTokens(client, { instanceIds, filter: "ci-*" }));
 * job.results$.subscribe((r) => out.write(toNdjson(r)));
 * const report = await job;
 *
 * @module
 */
export { deleteTokens } from "./delete-tokens.ts";
export {
  patchTokens,
  type PatchTokensItem,
  type PatchTokensOptions,
  wouldPatchChange,
} from "./patch-tokens.ts";
export { selectTokens, type SelectTokensOptions } from "./select-tokens.ts";
export { globSource } from "../utils/glob.ts";
export type { BatchJob } from "./job.ts";
export type { ObserverLike, Subscribable, Unsubscribable } from "./subscribable.ts";
export type { BatchOptions } from "./options.ts";
export type { BatchProgress, BatchReport, BatchStop, InstancePacing } from "./report.ts";
export {
  type BatchOutcome,
  type BatchResult,
  type BatchResultStatus,
  type BatchStarted,
  readResults,
  type ResultLine,
  type ResultsSource,
  toNdjson,
} from "./result.ts";
export type { BatchInput } from "./run-batch.ts";
export { RATE_MARGIN_MS } from "./instance-gate.ts";
export { loadResume, type ResumeState } from "./resume.ts";
export { isOwnToken, ownTokenLast } from "./own-token-last.ts";
export * from "../rotation/mod.ts";
