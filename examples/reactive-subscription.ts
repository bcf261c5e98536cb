/**
 * Token events as an RxJS stream: audit every change a script makes, with what changed.
 *
 * Run: `npx tsx examples/reactive-subscription.ts`
 */
import { bufferCount, filter, map } from "rxjs";
import { createClient, listTokens, patchToken } from "../mod.ts";
import { ofType, tokenEvents } from "../src/events/mod.ts";
import { connect } from "./support/connect.ts";

const target = await connect();
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  const instanceId = target.instanceIds[0];

  // Every update, with the fields that changed (the event cache knows the token from the listing).
  const audit = tokenEvents(client).pipe(
    ofType("updated"),
    map((e) => `audit: ${e.token?.name} changed ${e.changes?.join(", ")}`),
  ).subscribe((line) => console.log(line));
  // Listings arrive as "fetched" events: count them in batches of 5.
  const seen = tokenEvents(client).pipe(
    filter((e) => e.type === "fetched"),
    bufferCount(5),
  ).subscribe((batch) => console.log(`seen ${batch.length} more tokens`));

  const active = [];
  for await (const token of listTokens(client, { instanceId })) {
    if (token.status === "active") active.push(token);
  }
  for (const token of active.slice(0, 3)) {
    await patchToken(client, {
      instanceId,
      apiTokenId: token.id,
      apiToken: { status: "inactive" },
    });
  }
  audit.unsubscribe();
  seen.unsubscribe();
  console.log(`deactivated ${Math.min(3, active.length)} of ${active.length} active tokens`);
} finally {
  await target.close();
}
