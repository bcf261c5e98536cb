import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeLosant, startFakeLosant } from "../../src/testing/mod.ts";

/** A seeded server for CLI tests, an all.Instance access token, and a scratch directory. */
export interface CliFixture {
  server: FakeLosant;
  accessToken: string;
  env: Record<string, string>;
  dir: string;
  instanceA: string;
  instanceB: string;
  /** `--url <server>`, to put in front of every command. */
  base(): string[];
  close(): Promise<void>;
}

/**
 * Two instances of 40 seeded tokens plus ten active `ci-` tokens each, enough for a job
 * worth interrupting whatever the seed holds.
 *
 * @example
 * const f = await startCliFixture();
 * test.after(() => f.close());
 */
export async function startCliFixture(): Promise<CliFixture> {
  const server = await startFakeLosant({
    seed: { instances: 2, tokensPerInstance: 40, random: 3 },
  });
  const accessToken = server.issueAccessToken(["all.Instance"]).token;
  const [instanceA, instanceB] = server.instanceIds;
  for (let i = 0; i < 10; i++) {
    server.store.createToken(instanceA, { name: `ci-extra-${i}`, status: "active" });
    server.store.createToken(instanceB, { name: `ci-more-${i}`, status: "active" });
  }
  const dir = mkdtempSync(join(tmpdir(), "losant-cli-"));
  return {
    server,
    accessToken,
    env: { LOSANT_API_TOKEN: accessToken },
    dir,
    instanceA,
    instanceB,
    base: () => ["--url", server.url],
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Parsed CLI output is checked field by field at runtime.
// deno-lint-ignore no-explicit-any
export type Json = any;

/** The lines of an NDJSON file or text, parsed. */
export function ndjson(text: string): Json[] {
  return text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** The lines of a results file, parsed. */
export function readLines(file: string): Json[] {
  return ndjson(readFileSync(file, "utf8"));
}
