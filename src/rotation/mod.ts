/**
 * Token rotation, exported from losant-tokens/batch: rotateToken, rotateTokens and
 * finishRetirements; the journal (in memory or a file) that makes them resumable; the sinks
 * that receive successors' secrets; preflight and create reconciliation.
 *
 * @module
 */
export { rotateToken, type RotateTokenOptions } from "./rotate-token.ts";
export { rotateTokens, type RotateTokensOptions } from "./rotate-tokens.ts";
export { finishRetirements, type FinishRetirementsOptions } from "./finish-retirements.ts";
export type { RotatedItem } from "./rotate-item.ts";
export { retirementDue, type RotationOutcome } from "./retire.ts";
export type { RotationOptions, RotationPoint } from "./options.ts";
export {
  DEFAULT_RETIRING_NAME,
  DEFAULT_SUCCESSOR_NAME,
  fillName,
  type RotationNames,
} from "./naming.ts";
export {
  foldJournal,
  type JournalEntry,
  type RotationJournal,
  RotationLockedError,
  type RotationPhase,
  type RotationPlan,
  type RotationState,
} from "./journal.ts";
export { memoryJournal } from "./memory-journal.ts";
export { fileJournal } from "./file-journal.ts";
export { memorySink, type SecretDelivery, type SecretSink } from "./sink.ts";
export { fileSink, secretFileName } from "./file-sink.ts";
export { ndjsonFileSink, readSecretsFile, type SecretLine } from "./ndjson-sink.ts";
export { preflightRotation, RotationPreflightError, type RotationRight } from "./preflight.ts";
export { reconcileCreate, type ReconcileResult } from "./reconcile.ts";
export { hasMark, markDescription, newNonce, unmarkDescription } from "./mark.ts";
export { CreateUnknownError, SinkFailedError } from "./successor.ts";
export { RotationPlanError } from "./plan.ts";
