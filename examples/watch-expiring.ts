/**
 * Watching for tokens that are about to expire (or have), by polling: each change between
 * listings arrives as an event. Stops after the first listing's events here; a real
 * watcher runs until unsubscribed.
 *
 * Run: `npx tsx examples/watch-expiring.ts`
 */
import { firstValueFrom, share, takeUntil, timer, toArray } from "rxjs";
import { createClient } from "../mod.ts";
import { ofType, watchTokens } from "../src/events/mod.ts";
import { connect } from "./support/connect.ts";

const DAY = 86_400_000;
const target = await connect({ instances: 1, tokensPerInstance: 40 });
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  const watch$ = watchTokens(client, {
    instanceIds: target.instanceIds,
    intervalMs: 200,
    expiringWithinMs: 7 * DAY,
  }).pipe(share());

  const expiring = watch$.pipe(ofType("expiring")).subscribe((e) => {
    console.log(`expiring: ${e.token.name} in ${Math.round(e.expiresInMs / 3_600_000)} h`);
  });
  const expired = watch$.pipe(ofType("expired")).subscribe((e) =>
    console.log(`expired: ${e.token.name}`)
  );

  // Watch for one second, then stop (unsubscribing aborts the polls in flight).
  const events = await firstValueFrom(watch$.pipe(takeUntil(timer(1000)), toArray()));
  const counts = events.reduce<Record<string, number>>(
    (c, e) => ({ ...c, [e.type]: (c[e.type] ?? 0) + 1 }),
    {},
  );
  // The shared polls run while anyone is subscribed: unsubscribing the last one stops them.
  expiring.unsubscribe();
  expired.unsubscribe();
  console.log(`events: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ")}`);
} finally {
  await target.close();
}
