import process from "node:process";
import { startFakeLosant } from "../../src/testing/mod.ts";

/** Where an example runs: a real account from the environment, or the embedded server. */
export interface Target {
  url: string;
  accessToken: string;
  instanceIds: string[];
  /** Stops the embedded server, if one was started. */
  close(): Promise<void>;
}

/**
 * `LOSANT_URL`, `LOSANT_API_TOKEN` and `LOSANT_INSTANCE_IDS` (comma-separated) when set;
 * otherwise a freshly seeded embedded server, so every example runs with no account.
 * The examples change and delete tokens, so a real account also needs
 * `LOSANT_EXAMPLES_MAY_CHANGE_TOKENS=yes`: a token already in the environment must never be
 * enough for an example to delete someone's production token.
 *
 * @example
 * const target = await connect();
 * const client = createClient({ accessToken: target.accessToken, url: target.url });
 */
export async function connect(
  seed: { instances: number; tokensPerInstance: number; auditCases?: boolean } = {
    instances: 1,
    tokensPerInstance: 20,
  },
): Promise<Target> {
  const env = process.env;
  if (env.LOSANT_API_TOKEN && env.LOSANT_INSTANCE_IDS) {
    if (env.LOSANT_EXAMPLES_MAY_CHANGE_TOKENS !== "yes") {
      throw new Error(
        "this example changes and deletes tokens in the instances of LOSANT_INSTANCE_IDS; " +
          "set LOSANT_EXAMPLES_MAY_CHANGE_TOKENS=yes to run it against your account, " +
          "or unset LOSANT_API_TOKEN to use the embedded server",
      );
    }
    return {
      url: env.LOSANT_URL ?? "https://api.losant.com",
      accessToken: env.LOSANT_API_TOKEN,
      instanceIds: env.LOSANT_INSTANCE_IDS.split(",").map((s) => s.trim()).filter(Boolean),
      close: () => Promise.resolve(),
    };
  }
  const server = await startFakeLosant({ seed: { ...seed, random: 11 } });
  const { token } = server.issueAccessToken(["all.Instance"], { name: "examples" });
  return {
    url: server.url,
    accessToken: token,
    instanceIds: server.instanceIds,
    close: () => server.close(),
  };
}
