import type { ResultLine } from "./result.ts";

/** What an earlier run's history says about one key. */
export type ResumeState = "succeeded" | "unknown";

/**
 * Reads an earlier run's results into what resume needs: the keys that last succeeded
 * (skipped now) and those whose outcome is unknown (retried now, a delete's 404 then meaning
 * it was already done). Lines are applied in order, so a later run's line wins; but
 * "unknown" survives a later failure or cancellation, since those do not undo a change the
 * unknown attempt may have made. A `started` journal line with no result after it is a call
 * that was in flight when the run was killed: its outcome is unknown.
 *
 * @example
 * const history = await loadResume(readResults(fs.createReadStream("run1.ndjson")));
 * history.get("5f.../60...") // "succeeded" | "unknown" | undefined
 */
export async function loadResume(
  source: Iterable<ResultLine> | AsyncIterable<ResultLine>,
): Promise<Map<string, ResumeState>> {
  const states = new Map<string, ResumeState>();
  // Started in the run being read, with no result yet: the state before it was started.
  const inFlight = new Map<string, ResumeState | undefined>();
  for await (const result of source as AsyncIterable<ResultLine>) {
    if (typeof result?.key !== "string") continue;
    const key = result.key.toLowerCase();
    if (result.status === "started") {
      if (!inFlight.has(key)) inFlight.set(key, states.get(key));
      continue;
    }
    if (inFlight.has(key)) {
      // Its own result: judge it as if the journal line were not there.
      const before = inFlight.get(key);
      inFlight.delete(key);
      if (before === undefined) states.delete(key);
      else states.set(key, before);
    }
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
  for (const key of inFlight.keys()) states.set(key, "unknown");
  return states;
}
