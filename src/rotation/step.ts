import type { CallOptions } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import { LosantApiError } from "../errors.ts";
import type { JournalEntry } from "./journal.ts";
import type { RotationPoint, RotationSettings } from "./options.ts";

/** What every step of one rotation works with. */
export interface RotationStep {
  readonly client: Client;
  readonly settings: RotationSettings;
  readonly call: CallOptions;
  /** `<instanceId>/<oldTokenId>`, lower case. */
  readonly key: string;
}

/** Journals a phase (durably) before it starts, then tells `onPhase`. */
export async function begin(
  step: RotationStep,
  entry: Omit<JournalEntry, "key" | "at">,
): Promise<void> {
  await step.settings.journal.append({
    key: step.key,
    at: new Date(step.settings.now()).toISOString(),
    ...entry,
  });
  await point(step, entry.phase);
}

/** Tells `onPhase` that `p` was reached. */
export async function point(step: RotationStep, p: RotationPoint): Promise<void> {
  await step.settings.onPhase?.(p, step.key);
}

/** Whether an error is the API's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof LosantApiError && error.statusCode === 404;
}
