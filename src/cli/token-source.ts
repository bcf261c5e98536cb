import { readFile } from "node:fs/promises";
import { isId } from "./args.ts";
import { UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";

/** Where the access token may come from, in the order they win. */
export interface TokenSourceOptions {
  tokenFile?: string;
  token?: string;
}

/**
 * The access token: `--token-file` (`-` for stdin, as in `docker login --password-stdin`),
 * else `--token` (with a warning: a value on the command line lands in shell history and in
 * `ps` output), else `LOSANT_API_TOKEN`. Like `gh` and `aws`, an explicit flag beats the
 * environment.
 *
 * @example
 * const accessToken = await readAccessToken({ tokenFile: "~/.losant-token" }, io);
 */
export async function readAccessToken(options: TokenSourceOptions, io: Io): Promise<string> {
  if (options.tokenFile === "-") {
    const token = (await io.readStdin()).trim();
    if (token === "") throw new UsageError("--token-file -: stdin is empty");
    return token;
  }
  if (options.tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.tokenFile, "utf8");
    } catch (error) {
      const code = (error as { code?: string }).code ?? "unreadable";
      throw new UsageError(`cannot read --token-file ${options.tokenFile} (${code})`);
    }
    const token = text.trim();
    if (token === "") throw new UsageError(`--token-file ${options.tokenFile} is empty`);
    return token;
  }
  if (options.token !== undefined) {
    io.err(
      "warning: --token puts the secret in your shell history and the process list; " +
        "prefer LOSANT_API_TOKEN or --token-file\n",
    );
    if (options.token.trim() === "") throw new UsageError("--token is empty");
    return options.token.trim();
  }
  const fromEnv = io.env.LOSANT_API_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  throw new UsageError(
    "no access token: set LOSANT_API_TOKEN or pass --token-file <path> " +
      "(or try any command with --embedded, no account needed)",
  );
}

/**
 * The id of the API token an access token is, read from its JWT `sub` claim without
 * verifying it (the server does that); undefined when it is not a JWT. Used only to run
 * the CLI's own token last in a job that would otherwise revoke it mid-way.
 *
 * @example
 * selfTokenId(accessToken); // "5f0c2a..." or undefined
 */
export function selfTokenId(accessToken: string): string | undefined {
  const payload = accessToken.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const json = JSON.parse(atob(base64 + "=".repeat((4 - base64.length % 4) % 4)));
    const sub = (json as { sub?: unknown }).sub;
    return typeof sub === "string" && isId(sub) ? sub : undefined;
  } catch {
    return undefined;
  }
}
