/**
 * Standalone fake Losant API for demos and manual testing.
 *
 * @example
 * ```sh
 * node --import tsx src/testing/cli.ts --port 8080 --instances 3 --tokens 50 --seed 7
 * ```
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { startFakeLosant } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    hostname: { type: "string" },
    instances: { type: "string" },
    tokens: { type: "string" },
    seed: { type: "string" },
  },
});

const number = (value: string | undefined, fallback: number): number => {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`Not a non-negative integer: ${value}`);
    process.exit(2);
  }
  return parsed;
};

const server = await startFakeLosant({
  port: number(values.port ?? process.env.PORT, 0),
  ...(values.hostname ? { hostname: values.hostname } : {}),
  seed: {
    instances: number(values.instances, 2),
    tokensPerInstance: number(values.tokens, 20),
    random: number(values.seed, 1),
  },
});
const access = server.issueAccessToken(["all.Instance"], { name: "fake-losant-cli" });

console.log(`Fake Losant API listening on ${server.url}`);
console.log(`Access token (all.Instance): ${access.token}`);
console.log(`Instance ids: ${server.instanceIds.join(" ")}`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
