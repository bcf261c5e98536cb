import type { FakeLosant } from "../testing/mod.ts";

/** A seeded embedded server and an access token for it. */
export interface Embedded {
  readonly server: FakeLosant;
  readonly accessToken: string;
  readonly instanceIds: readonly string[];
}

/** What `--embedded` seeds: enough tokens to make bulk commands worth watching. */
export const EMBEDDED_SEED = Object.freeze({
  instances: 3,
  tokensPerInstance: 50,
  random: 7,
  auditCases: true,
});

/**
 * Starts the embedded Losant-compatible server, freshly seeded, with an all.Instance access
 * token held by a hidden admin instance (so no bulk job can revoke it). The seed is fixed,
 * so instance and token ids are the same on every run. Loaded only for `--embedded`: the
 * server's HTTP stack is no part of a normal run.
 *
 * @example
 * const { server, accessToken } = await startEmbedded();
 */
export async function startEmbedded(): Promise<Embedded> {
  const { startFakeLosant } = await import("../testing/mod.ts");
  const server = await startFakeLosant({ seed: EMBEDDED_SEED });
  const { token } = server.issueAccessToken(["all.Instance"], { name: "losant-tokens-cli" });
  return { server, accessToken: token, instanceIds: server.instanceIds };
}
