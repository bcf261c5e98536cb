/**
 * The embedded fake Losant API for the benchmarks, in its own process so its CPU time is
 * never counted as the client's. Prints one JSON line (url, access token, ids to read) on
 * stdout once it listens; ends on SIGTERM/SIGINT or when stdin closes (the parent died).
 *
 * @example
 * node --import tsx bench/server.ts
 */
import process from "node:process";
import { startFakeLosant } from "../src/testing/mod.ts";

const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 5 } });
const instanceId = server.instanceIds[0]!;
const apiTokenId = server.store.listTokens(instanceId)[0]!.id;
const { token } = server.issueAccessToken(["all.Instance"]);
console.log(JSON.stringify({ url: server.url, token, instanceId, apiTokenId }));

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
