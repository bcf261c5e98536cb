/**
 * Deno usage: the same library, imported from source with the bare specifiers that
 * deno.json maps (`rxjs`, `valibot`, `ky`, `hono`: npm packages, no node_modules setup).
 *
 * Run on a fresh clone: `deno run -A --node-modules-dir=none examples/deno.ts` (Deno fetches
 * the npm packages into its own cache). After `npm ci`, `deno run -A examples/deno.ts` does.
 *
 * In another project, after `deno add jsr:@losant-tokens/losant-tokens` (or an import-map
 * entry for this repository), the imports below become
 * `import { createClient, getToken } from "@losant-tokens/losant-tokens";`.
 */
import { lastValueFrom, take, toArray } from "rxjs";
import { createClient, getToken, listTokens } from "../mod.ts";
import { tokenEvents } from "../src/events/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";

declare const Deno: { env: { get(name: string): string | undefined }; version: { deno: string } };

// A real account needs both a token and an instance; this example only reads.
const embedded = Deno.env.get("LOSANT_API_TOKEN") && Deno.env.get("LOSANT_INSTANCE_IDS")
  ? undefined
  : await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 8 } });
const accessToken = embedded?.issueAccessToken(["all.Instance"]).token ??
  Deno.env.get("LOSANT_API_TOKEN")!;
const instanceId = embedded?.instanceIds[0] ?? Deno.env.get("LOSANT_INSTANCE_IDS")!.split(",")[0];
try {
  const url = embedded?.url ?? Deno.env.get("LOSANT_URL");
  const client = createClient({ accessToken, url });
  const firstThree = lastValueFrom(tokenEvents(client).pipe(take(3), toArray()));
  const ids: string[] = [];
  for await (const token of listTokens(client, { instanceId })) ids.push(token.id);
  const events = await firstThree;
  const token = await getToken(client, { instanceId, apiTokenId: ids[0] });
  console.log(`deno ${Deno.version.deno}: ${ids.length} tokens; first "${token.name}"`);
  console.log(`events: ${events.map((e) => e.type).join(", ")}`);
} finally {
  await embedded?.close();
}
