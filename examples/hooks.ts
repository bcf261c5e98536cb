/**
 * Hooks that never hide a failure: an `onError` that only logs lets the original error
 * through; one that recovers returns the result, which is checked like a response; and
 * "a missing token is not an error" is a try/catch on 404 where you call.
 *
 * Run: `npx tsx examples/hooks.ts`
 */
import {
  type ApiToken,
  createClient,
  getToken,
  listTokensPage,
  LosantApiError,
  LosantNetworkError,
  LosantResponseError,
  onError,
  use,
} from "../mod.ts";
import { connect } from "./support/connect.ts";

const target = await connect();
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  const instanceId = target.instanceIds[0];
  const missing = { instanceId, apiTokenId: "0".repeat(24) };

  // 1. Logging only: returns nothing, so the 404 reaches the caller as it was.
  const logged = use(
    client,
    onError((error, ctx) => {
      console.log(`log: ${ctx.action} failed: ${(error as Error).name}`);
    }),
  );
  await getToken(logged, missing).catch((error) => {
    const e = error as LosantApiError;
    console.log(`caller sees: ${e.name} ${e.statusCode} ${e.type}`);
  });

  // 2. Recovering: the hook's return value is the result, checked by the result schema.
  const lastSeen = new Map<string, ApiToken>();
  const [listed] = (await listTokensPage(client, { instanceId, perPage: 1 })).items;
  const first = await getToken(client, { instanceId, apiTokenId: listed.id });
  lastSeen.set(first.id, first);
  const fallback = use(
    client,
    onError((error, ctx) => {
      // Serve the last copy when the network is down; anything else still fails.
      if (error instanceof LosantNetworkError) return lastSeen.get(ctx.apiTokenId ?? "");
    }),
  );
  console.log(
    `recovering hook, server up: ${
      (await getToken(fallback, { instanceId, apiTokenId: first.id })).id === first.id
    }`,
  );

  // A recovered value of the wrong shape is refused, never handed on as an ApiToken.
  const sloppy = use(client, onError(() => ({ name: "no id" })));
  await getToken(sloppy, missing).catch((error) => {
    console.log(`wrong shape: ${error instanceof LosantResponseError ? error.name : error}`);
  });

  // 3. The migration for `ctx.result = null`: catch the 404 where you call.
  const token = await getToken(client, missing).catch((error) => {
    if (error instanceof LosantApiError && error.statusCode === 404) return undefined;
    throw error;
  });
  console.log(`missing token: ${token === undefined ? "undefined" : token.id}`);
} finally {
  await target.close();
}
