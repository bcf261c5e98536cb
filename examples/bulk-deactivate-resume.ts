/**
 * A bulk deactivation that is interrupted half-way and resumed from its results file:
 * the second run skips what the first finished and completes the rest. The file also gets a
 * journal line (`onStart`) before each change is sent, so even a run killed outright
 * (kill -9, a crash) with calls in flight resumes exactly.
 *
 * Run: `npx tsx examples/bulk-deactivate-resume.ts`
 */
import { appendFileSync, createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../mod.ts";
import {
  type BatchStarted,
  patchTokens,
  readResults,
  selectTokens,
  toNdjson,
} from "../src/batch/mod.ts";
import { connect } from "./support/connect.ts";

const target = await connect({ instances: 2, tokensPerInstance: 60 });
const dir = mkdtempSync(join(tmpdir(), "losant-resume-"));
const resultsFile = join(dir, "deactivate.ndjson");
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  // Every token of the instances: the second run's listing is the same as the first's, so
  // resume is what keeps it from patching again what run 1 finished.
  const selection = () => selectTokens(client, { instanceIds: target.instanceIds });
  const patch = { status: "inactive" as const };

  // Run 1: stop after 15 results, as a Ctrl-C would.
  const stop = new AbortController();
  const journal = (entry: BatchStarted) => appendFileSync(resultsFile, toNdjson(entry));
  const first = patchTokens(client, selection(), {
    apiToken: patch,
    concurrency: 2,
    signal: stop.signal,
    onStart: journal,
  });
  let written = 0;
  first.results$.subscribe((result) => {
    appendFileSync(resultsFile, toNdjson(result));
    if (++written === 15) stop.abort(new Error("operator pressed Ctrl-C"));
  });
  const r1 = await first;
  console.log(
    `run 1: ${r1.succeeded} succeeded, ${r1.cancelled} cancelled, stopped: ${r1.stopped?.type}`,
  );

  // Run 2: the same selection, resuming from the file; what succeeded is skipped.
  const second = patchTokens(client, selection(), {
    apiToken: patch,
    concurrency: 4,
    resume: readResults(createReadStream(resultsFile)),
    onStart: journal,
  });
  second.results$.subscribe((result) => appendFileSync(resultsFile, toNdjson(result)));
  const r2 = await second;
  console.log(`run 2: ${r2.succeeded} succeeded, ${r2.skipped} skipped, ${r2.failed} failed`);

  let active = 0;
  const stillActive = selectTokens(client, {
    instanceIds: target.instanceIds,
    filterField: "status",
    filter: "active",
  });
  for await (const _ of stillActive) active++;
  console.log(`active tokens left: ${active}`);
  if (r2.failed > 0 || active > 0 || r2.skipped !== r1.succeeded) {
    throw new Error("resume did not finish the job");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await target.close();
}
