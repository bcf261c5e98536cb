import type { BatchResult } from "./result.ts";

/** What an earlier run's history says about one key. */
export type ResumeState = "succeeded" | "unknown";

/**
 * Reads an earlier run's results into what resume needs: the keys that last succeeded
 * (skipped now) and those whose outcome is unknown (retried now, a delete's 404 then meaning
 * it was already done). Results are applied in order, so a later run's line wins; but
 * "unknown" survives a later failure or cancellation, since those do not undo a change the
 * unknown attempt may have made.
 *
 * @example
 * const history = await loadResume(readResults(fs.createReadStream("run1.ndjson")));
 * history.get("5f.../60...") // "succeeded" | "unknown" | undefined
 */
export async function loadResume(
  source: Iterable<BatchResult> | AsyncIterable<BatchResult>,
): Promise<Map<string, ResumeState>> {
  const states = new Map<string, ResumeState>();
  for await (const result of source as AsyncIterable<BatchResult>) {
    if (typeof result?.key !== "string") continue;
    const key = result.key.toLowerCase();
    if (result.dryRun) continue;
    if (result.status === "succeeded" || result.outcome === "succeededEarlier") {
      states.set(key, "succeeded");
    } else if (result.outcome === "unknown") {
      states.set(key, "unknown");
    } else if (states.get(key) === "succeeded") {
      // A later run failed on it (e.g. re-run without resume): it is not done any more.
      states.delete(key);
    }
  }
  return states;
}
