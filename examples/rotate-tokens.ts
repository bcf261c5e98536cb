/**
 * Rotating every active token of the instances: successors with the same roles and scope,
 * their secrets in 0600 files, the old tokens kept active for a 7-day grace period, then
 * deactivated, then deleted 30 days later. The journal file is the state that survives
 * between the runs; the days pass on a clock the example moves forward, as cron would run
 * `finishRetirements` on later days.
 *
 * Run: `npx tsx examples/rotate-tokens.ts`
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../mod.ts";
import {
  fileJournal,
  fileSink,
  finishRetirements,
  rotateTokens,
  selectTokens,
} from "../src/batch/mod.ts";
import { systemClock } from "../src/clock.ts";
import { connect } from "./support/connect.ts";

const DAY = 86_400_000;
const target = await connect({ instances: 2, tokensPerInstance: 10 });
const dir = mkdtempSync(join(tmpdir(), "losant-rotate-"));
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  let offset = 0; // days the example has "waited"
  const calendar = { now: () => Date.now() + offset, setTimer: systemClock.setTimer };
  const journal = fileJournal(join(dir, "rotation.ndjson"));
  const secretsDir = join(dir, "secrets");

  const items = [];
  const active = selectTokens(client, {
    instanceIds: target.instanceIds,
    filterField: "status",
    filter: "active",
  });
  for await (const item of active) items.push(item);

  const report = await rotateTokens(client, items, {
    sink: fileSink(secretsDir),
    journal,
    expiresIn: 90 * DAY,
    graceMs: 7 * DAY,
    deleteAfterMs: 30 * DAY,
    clock: calendar,
  });
  console.log(`rotated: ${report.succeeded} of ${report.total}, ${report.failed} failed`);
  console.log(`secrets on file: ${readdirSync(secretsDir).length}`);

  offset += 7 * DAY + 1;
  const retired = await finishRetirements(client, { journal, clock: calendar });
  console.log(`after the grace: ${retired.succeeded} old tokens deactivated`);

  offset += 30 * DAY + 1;
  const deleted = await finishRetirements(client, { journal, clock: calendar });
  console.log(`after the delete period: ${deleted.succeeded} old tokens deleted`);
  if (
    report.failed > 0 || retired.succeeded !== items.length || deleted.succeeded !== items.length
  ) {
    throw new Error("the rotation did not finish");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await target.close();
}
